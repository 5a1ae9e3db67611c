/**
 * Runs in a worker thread beside a worker's event loop. When the loop has been silent for
 * `thresholdMs` (it ticks a shared counter from its heartbeat timer, once armed), the watchdog pauses the
 * main thread through the inspector and reports the JavaScript stack it is stuck in on the
 * diagnostics pipe, so the master can log where a hung worker was before it kills it. A
 * blocked event loop cannot report this itself; V8 still serves the inspector's interrupt.
 */
import { writeSync } from 'node:fs';
import { Session } from 'node:inspector';
import { workerData } from 'node:worker_threads';
import type { HangReport } from '../protocol/messages.js';

interface WatchdogData {
  readonly ticks: SharedArrayBuffer;
  readonly thresholdMs: number;
  readonly fd: number;
}

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly location: { readonly scriptId: string; readonly lineNumber: number; readonly columnNumber: number };
}

const { ticks, thresholdMs, fd } = workerData as WatchdogData;
const counter = new Int32Array(ticks);

let lastTick = Atomics.load(counter, 0);
let silentSince = Date.now();
let reported = false;

setInterval(watch, Math.max(50, Math.min(500, thresholdMs / 4)));

function watch(): void {
  const tick = Atomics.load(counter, 0);
  // Not armed yet: the worker is still booting (boot-timeout is the master's to enforce).
  if (Atomics.load(counter, 1) === 0) {
    lastTick = tick;
    silentSince = Date.now();
    return;
  }
  if (tick !== lastTick) {
    lastTick = tick;
    silentSince = Date.now();
    reported = false;
    return;
  }
  if (!reported && Date.now() - silentSince >= thresholdMs) {
    reported = true;
    captureStack((stack) => publish({ silentMs: Date.now() - silentSince, stack }));
  }
}

/**
 * Connects to the main thread only for the capture: a session left connected would make the
 * process wait for it at exit ("Waiting for the debugger to disconnect").
 */
function captureStack(done: (stack: string) => void): void {
  const session = new Session();
  session.connectToMainThread();
  // Frames name their script by id; enabling the debugger announces every script's URL.
  const urls = new Map<string, string>();
  session.on('Debugger.scriptParsed', (m) => urls.set(m.params.scriptId, m.params.url));
  session.post('Debugger.enable', () => {
    session.once('Debugger.paused', (message) => {
      const frames = (message.params as { callFrames: CallFrame[] }).callFrames;
      session.post('Debugger.resume', () => session.disconnect());
      done(frames.map((f) => formatFrame(f, urls.get(f.location.scriptId) || f.url)).join('\n'));
    });
    session.post('Debugger.pause');
  });
}

function formatFrame(frame: CallFrame, url: string): string {
  const where = `${url || '<anonymous>'}:${frame.location.lineNumber + 1}:${frame.location.columnNumber + 1}`;
  return `    at ${frame.functionName || '<anonymous>'} (${where})`;
}

function publish(report: HangReport): void {
  try {
    writeSync(fd, `${JSON.stringify(report)}\n`);
  } catch {
    // No pipe (the worker was started by hand): nothing to report to.
  }
}
