import type { INestApplication } from '@nestjs/common';
import { LazyModuleLoader } from '@nestjs/core';
import type { LazyModuleImport } from './options.js';

/**
 * Loads the modules the app would load lazily, one after the other, through the app's own
 * `LazyModuleLoader`: their providers are built now, and the app's later `load()` of the same
 * module returns the module already in the container.
 */
export async function loadLazyModules(app: INestApplication, imports: readonly LazyModuleImport[]): Promise<void> {
  if (imports.length === 0) return;
  const loader = app.get(LazyModuleLoader);
  for (const load of imports) await loader.load(load);
}
