import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable, Scope } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { StatsService } from '../stats/stats.service.js';

/**
 * Request-scoped: Nest builds one per request, and every controller that injects it becomes
 * request-scoped too. Warm-up cannot remove that per-request cost; the warm-up report lists
 * those routes.
 */
@Injectable({ scope: Scope.REQUEST })
export class RequestContext {
  readonly requestId: string;
  readonly userAgent: string;
  readonly startedAt = Date.now();

  constructor(@Inject(REQUEST) request: { headers: IncomingHttpHeaders }, stats: StatsService) {
    stats.count('RequestContext constructed');
    const header = request.headers['x-request-id'];
    this.requestId = typeof header === 'string' ? header : randomUUID();
    this.userAgent = request.headers['user-agent'] ?? 'unknown';
  }
}
