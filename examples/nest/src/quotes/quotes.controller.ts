import { Controller, Get, Param } from '@nestjs/common';
import { LazyModuleLoader } from '@nestjs/core';
import { loadPricingModule } from '../pricing/load.js';
import type { PricingService } from '../pricing/pricing.service.js';

@Controller('quotes')
export class QuotesController {
  constructor(private readonly lazyModules: LazyModuleLoader) {}

  @Get('today')
  async today(): Promise<{ sku: string; price: number }[]> {
    const pricing = await this.pricing();
    return ['b-1', 'm-1', 'g-1'].map((sku) => pricing.quote(sku, 10));
  }

  @Get(':sku')
  async quote(@Param('sku') sku: string): Promise<{ sku: string; price: number }> {
    return (await this.pricing()).quote(sku, 10);
  }

  /** Loads PricingModule (once: later loads return the module already built). */
  private async pricing(): Promise<PricingService> {
    const moduleRef = await this.lazyModules.load(loadPricingModule);
    const { PricingService } = await import('../pricing/pricing.service.js');
    return moduleRef.get(PricingService);
  }
}
