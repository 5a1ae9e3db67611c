import type { IncomingHttpHeaders } from 'node:http';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { type Observable, tap } from 'rxjs';
import { StatsService } from './stats.service.js';

/**
 * Counts every request that reaches a handler's pipeline, keyed `Controller.handler`. It runs
 * before the pipes, so a request that fails validation is counted as a hit and an error.
 */
@Injectable()
export class HitCounterInterceptor implements NestInterceptor {
  constructor(private readonly stats: StatsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const handler = `${context.getClass().name}.${context.getHandler().name}`;
    const { headers } = context.switchToHttp().getRequest<{ headers: IncomingHttpHeaders }>();
    this.stats.hit(handler, headers['x-tsunicorn-warmup'] !== undefined);
    return next.handle().pipe(tap({ error: () => this.stats.fail(handler) }));
  }
}
