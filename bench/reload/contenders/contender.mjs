/**
 * The shape every contender module exports, so the scenario can run them alike.
 *
 * @typedef {object} StartOptions
 * @property {string} root     Repository root.
 * @property {string} appPath  Absolute path of the app module (default export: a request listener / Express app).
 * @property {number} workers  Worker processes.
 *
 * @typedef {object} ReloadWindow
 * @property {number} start   Wall-clock ms the reload was requested.
 * @property {number} end     Wall-clock ms it was over (new workers serving, old ones gone).
 * @property {string} detail  What the server said about it.
 *
 * @typedef {object} RunningServer
 * @property {number} port
 * @property {{ at: number, stream: string, text: string }[]} lines  The server's output so far.
 * @property {() => Promise<ReloadWindow>} reload
 * @property {() => { master: number, workers: number[] }} [processes]  The process that accepts connections and the workers.
 * @property {() => number[]} [daemonPids]  Server processes that are not descendants of this one (for CPU accounting).
 * @property {() => Promise<void>} stop  Stops every process it started; safe to call once after any failure.
 *
 * @typedef {object} Contender
 * @property {string} name
 * @property {(options: { workers: number }) => string} describe  How it is run, for the results file.
 * @property {RegExp} notes  Server output lines worth showing in the results (warnings, kills).
 * @property {(options: StartOptions) => Promise<RunningServer>} start  Resolves once it serves.
 */
export {};
