/**
 * Forces the lazy parts of Express's views. Express `require`s a view engine the first time
 * a template with its extension is rendered, and compiles each template on its first render
 * (on every render when `view cache` is off, which is the case unless NODE_ENV=production).
 */
import { type Logger, TsuError } from '@tsunicorn/core';
import type { ExpressApp } from './app.js';

/** A view to render once before traffic, with locals the template needs. */
export interface ViewWarmup {
  /** The view name as routes pass it to `res.render()`: `'report'`, `'users/list'`. */
  readonly name: string;
  readonly locals?: Readonly<Record<string, unknown>>;
}

/**
 * Loads the default view engine (`app.set('view engine', 'ejs')`) the way a first render
 * would, through Express's own View class, which caches it in `app.engines`. The name given
 * matches no file, so no template is read. An engine that cannot be loaded is only logged:
 * the app may never render, and it served without it before.
 */
export function loadViewEngine(app: ExpressApp, log: Logger): void {
  const defaultEngine = app.get('view engine');
  const View = app.get('view');
  if (typeof defaultEngine !== 'string' || typeof View !== 'function') return;
  const options = { defaultEngine, root: app.get('views'), engines: Reflect.get(app, 'engines') };
  try {
    Reflect.construct(View, ['__tsunicorn-engine-probe', options]);
  } catch (err) {
    log.warning(`express: could not load the view engine "${defaultEngine}": ${describe(err)}`);
  }
}

/**
 * A line for the warm-up report when the app renders views with `view cache` off: each render
 * then compiles its template again, a cost warm-up cannot remove.
 */
export function viewCacheNotes(app: ExpressApp): string[] {
  if (typeof app.get('view engine') !== 'string' || app.get('view cache')) return [];
  return ['express: view cache is off (NODE_ENV is not production), so every render compiles its template again'];
}

/**
 * Renders each view once with `app.render()`: loads its engine and, with `view cache` on,
 * leaves the compiled template in the caches the app's routes use. A failing view fails the
 * warm-up, with the view's name.
 */
export async function renderViews(app: ExpressApp, views: readonly ViewWarmup[]): Promise<void> {
  for (const view of views) await renderView(app, view);
}

function renderView(app: ExpressApp, view: ViewWarmup): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    app.render(view.name, { ...view.locals }, (err) => (err ? reject(err) : resolve()));
  }).catch((err: unknown) => {
    throw new TsuError('TSU_ERR_WARMUP', `express: rendering view "${view.name}" failed: ${describe(err)}`, { cause: err });
  });
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
