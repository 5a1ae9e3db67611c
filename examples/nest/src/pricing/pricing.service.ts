import { Injectable } from '@nestjs/common';
import { StatsService } from '../stats/stats.service.js';

/** Built when PricingModule is loaded: at boot when it is listed in `lazyModules`, else on the first quote. */
@Injectable()
export class PricingService {
  private readonly rates: Readonly<Record<string, number>>;

  constructor(stats: StatsService) {
    stats.count('PricingService constructed');
    // Stands for costly set-up (a rate table, a client) that the first quote would pay for.
    this.rates = Object.fromEntries(['b', 'm', 'g'].map((prefix, i) => [prefix, 1 + i / 10]));
  }

  quote(sku: string, base: number): { sku: string; price: number } {
    const rate = this.rates[sku.charAt(0)] ?? 1;
    return { sku, price: Math.round(base * rate * 100) / 100 };
  }
}
