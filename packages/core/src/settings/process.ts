import { optionalStr, str } from './define.js';

/** Process naming and files. */
export const processSettings = {
  pidfile: optionalStr({
    restart: true,
    section: 'process',
    cli: ['-p', '--pidfile', '--pid'],
    env: 'TSUNICORN_PIDFILE',
    meta: 'FILE',
    default: null,
    defaultDoc: 'none',
    doc: 'File the master writes its pid to, and removes when it exits.',
  }),
  procName: str({
    section: 'process',
    cli: ['-n', '--proc-name', '--name'],
    env: 'TSUNICORN_PROC_NAME',
    meta: 'NAME',
    nonEmpty: true,
    default: 'tsunicorn',
    doc: 'Base of the process titles: "NAME: master", "NAME: worker 3 (gen 2)".',
  }),
} as const;
