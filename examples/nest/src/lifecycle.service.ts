import {
  type BeforeApplicationShutdown,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { StatsService } from './stats/stats.service.js';

/** Records Nest's lifecycle hooks, to show that a worker's graceful stop runs them all. */
@Injectable()
export class LifecycleService
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(private readonly stats: StatsService) {}

  onModuleInit(): void {
    this.stats.event('onModuleInit');
  }

  onApplicationBootstrap(): void {
    this.stats.event('onApplicationBootstrap');
  }

  onModuleDestroy(): void {
    this.stats.event('onModuleDestroy');
  }

  beforeApplicationShutdown(): void {
    this.stats.event('beforeApplicationShutdown');
  }

  onApplicationShutdown(): void {
    this.stats.event('onApplicationShutdown');
  }
}
