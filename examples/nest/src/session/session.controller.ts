import { Controller, Get } from '@nestjs/common';
import { RequestContext } from './request-context.js';

@Controller('session')
export class SessionController {
  constructor(private readonly context: RequestContext) {}

  @Get('whoami')
  whoami(): { requestId: string; userAgent: string } {
    return { requestId: this.context.requestId, userAgent: this.context.userAgent };
  }

  @Get('trace')
  trace(): { requestId: string; elapsedMs: number } {
    return { requestId: this.context.requestId, elapsedMs: Date.now() - this.context.startedAt };
  }
}
