import type { MasterInfo, RequestHook, WorkerExitInfo, WorkerInfo } from '../types.js';
import { hook } from './define.js';

type Awaitable = void | Promise<void>;

/**
 * Server hooks, set in a config file only. Each may be one function or an array of them,
 * run in order. Master-side hooks that throw are logged and do not stop the server; a
 * worker boot hook (postFork, postWorkerInit) that throws is a boot failure. Async hooks
 * are awaited, within a time limit. docs/hooks.md says when each runs.
 */
export const hookSettings = {
  onStarting: hook<(master: MasterInfo) => Awaitable>({
    doc: 'Master, once, before the sockets are bound and the first worker is spawned.',
  }),
  onReload: hook<(master: MasterInfo) => Awaitable>({
    doc: 'Master, on HUP, after the config file is re-read and before the new generation is spawned.',
  }),
  whenReady: hook<(master: MasterInfo) => Awaitable>({
    doc: 'Master, once, when all the first workers are booted, warm and serving.',
  }),
  preFork: hook<(master: MasterInfo, worker: WorkerInfo) => Awaitable>({
    doc: 'Master, just before a worker process is spawned (worker.pid is 0).',
  }),
  postFork: hook<(worker: WorkerInfo) => Awaitable>({
    doc: 'Worker, first thing in the new process, before the app is loaded. Throwing fails the boot.',
  }),
  postWorkerInit: hook<(worker: WorkerInfo) => Awaitable>({
    doc: 'Worker, after the app is built and warmed, just before the worker takes traffic. Throwing fails the boot.',
  }),
  workerInt: hook<(worker: WorkerInfo) => Awaitable>({
    doc: 'Worker, when it is told to quit at once (INT or QUIT to the master).',
  }),
  workerAbort: hook<(worker: WorkerInfo) => Awaitable>({
    doc: 'Worker, when the master aborts it for exceeding boot-timeout. A worker hung in a blocked event loop cannot run it.',
  }),
  preRequest: hook<RequestHook>({
    doc: 'Worker, before each request reaches the app. Synchronous; costs nothing when not set.',
  }),
  postRequest: hook<RequestHook>({
    doc: 'Worker, after each response has finished. Synchronous; costs nothing when not set.',
  }),
  workerExit: hook<(worker: WorkerInfo) => Awaitable>({
    doc: 'Worker, after it has drained, just before the process exits.',
  }),
  childExit: hook<(master: MasterInfo, worker: WorkerExitInfo) => Awaitable>({
    doc: 'Master, after a worker process has exited, with its exit code, signal and reason.',
  }),
  nworkersChanged: hook<(master: MasterInfo, newValue: number, oldValue: number) => Awaitable>({
    doc: 'Master, when the target number of workers changes (TTIN, TTOU, reload).',
  }),
  onExit: hook<(master: MasterInfo) => Awaitable>({
    doc: 'Master, just before it exits.',
  }),
} as const;
