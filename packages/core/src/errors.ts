/**
 * Every error tsunicorn raises on purpose has a stable `code` declared here, so callers
 * (and tests) match on `err.code`, never on message text. docs/errors.md lists them.
 */

/** Process exit codes of the `tsunicorn` master. Documented in docs/errors.md. */
export const ExitCode = {
  /** Clean stop (TERM, INT, QUIT) or a successful `--check-config`. */
  OK: 0,
  /** Unexpected internal error in the master. */
  INTERNAL: 1,
  /** Bad configuration: an unknown or invalid setting, an unreadable config file, bad CLI usage. */
  CONFIG: 2,
  /** A worker failed to boot (crashed, failed warm-up or timed out) during the first start. */
  WORKER_BOOT: 3,
  /** The application could not be loaded (import threw, export not found or not servable). */
  APP_LOAD: 4,
  /** A bind address is in use, not permitted, or cannot be resolved. */
  BIND: 5,
  /** `tsunicorn ctl`: the master refused the action or it failed (a reload whose new code does not boot). */
  CTL_FAILED: 6,
  /** `tsunicorn ctl`: no master answers on the control socket. */
  CTL_UNREACHABLE: 7,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

const codes = {
  TSU_ERR_UNKNOWN_SETTING: ExitCode.CONFIG,
  TSU_ERR_INVALID_SETTING: ExitCode.CONFIG,
  TSU_ERR_CONFIG_FILE: ExitCode.CONFIG,
  TSU_ERR_USAGE: ExitCode.CONFIG,
  TSU_ERR_BIND: ExitCode.BIND,
  TSU_ERR_APP_LOAD: ExitCode.APP_LOAD,
  TSU_ERR_APP_KIND: ExitCode.APP_LOAD,
  TSU_ERR_ADAPTER_MISSING: ExitCode.APP_LOAD,
  TSU_ERR_WARMUP: ExitCode.WORKER_BOOT,
  TSU_ERR_HOOK: ExitCode.WORKER_BOOT,
  TSU_ERR_PRIVILEGES: ExitCode.CONFIG,
  TSU_ERR_ADMIN_BIND: ExitCode.BIND,
  TSU_ERR_SOCKET_ACTIVATION: ExitCode.BIND,
  TSU_ERR_CTL_FAILED: ExitCode.CTL_FAILED,
  TSU_ERR_CTL_UNREACHABLE: ExitCode.CTL_UNREACHABLE,
} as const satisfies Record<string, ExitCodeValue>;

/** A stable error code. */
export type TsuErrorCode = keyof typeof codes;

/** An error with a stable code and the exit code the master uses when it is fatal. */
export class TsuError extends Error {
  readonly code: TsuErrorCode;
  readonly exitCode: ExitCodeValue;

  constructor(code: TsuErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TsuError';
    this.code = code;
    this.exitCode = codes[code];
  }
}

/** True when `err` is a TsuError with the given code (or any code when none is given). */
export function isTsuError(err: unknown, code?: TsuErrorCode): err is TsuError {
  return err instanceof TsuError && (code === undefined || err.code === code);
}

/** The message and stack of any thrown value, for logs and for crossing the IPC channel. */
export function describeError(err: unknown): { message: string; stack: string; code?: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      message: err.message,
      stack: err.stack ?? err.message,
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return { message: String(err), stack: String(err) };
}

/** The compiled core's own directory: stack frames in it are tsunicorn's, not the user's. */
const CORE_DIR_URL = new URL('.', import.meta.url).href;

/**
 * An error as a user should read it: a TsuError is a message written for them, so it is shown
 * without a stack; any other error keeps its stack. Frames inside tsunicorn and Node's
 * internals are left out either way, since they explain nothing about the user's mistake.
 */
export function describeForUser(err: unknown): string {
  return withoutInternalFrames(isTsuError(err) ? err.message : describeError(err).stack);
}

function withoutInternalFrames(text: string): string {
  const internal = (line: string) =>
    /^\s+at /.test(line) && (line.includes(CORE_DIR_URL) || line.includes('(node:internal/') || /at (async )?node:internal\//.test(line));
  return text
    .split('\n')
    .filter((line) => !internal(line))
    .join('\n');
}
