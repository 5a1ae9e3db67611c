import type { Type } from '@nestjs/common';

/**
 * Imports PricingModule on demand. Shared by the handler that loads it through
 * LazyModuleLoader and by the adapter's `lazyModules` option, which loads it at boot.
 */
export function loadPricingModule(): Promise<Type<unknown>> {
  return import('./pricing.module.js').then((m) => m.PricingModule);
}
