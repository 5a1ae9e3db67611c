import { Controller, Get } from '@nestjs/common';
import { StatsService, type StatsSnapshot } from './stats.service.js';

@Controller('__stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  /** Per-handler hit counts of this worker process, and how many were warm-up requests. */
  @Get()
  read(): StatsSnapshot {
    return this.stats.snapshot();
  }
}
