import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { HitCounterInterceptor } from './hit-counter.interceptor.js';
import { StatsController } from './stats.controller.js';
import { StatsService } from './stats.service.js';

/** Global, so that lazily loaded modules can count their providers too. */
@Global()
@Module({
  controllers: [StatsController],
  providers: [StatsService, { provide: APP_INTERCEPTOR, useClass: HitCounterInterceptor }],
  exports: [StatsService],
})
export class StatsModule {}
