import { Module } from '@nestjs/common';
import { PricingService } from './pricing.service.js';

/** Not imported by AppModule: loaded through LazyModuleLoader (see pricing/load.ts). */
@Module({ providers: [PricingService], exports: [PricingService] })
export class PricingModule {}

export { PricingService };
