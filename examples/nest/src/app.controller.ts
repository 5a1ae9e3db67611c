import { Controller, Get } from '@nestjs/common';

@Controller()
export class AppController {
  @Get()
  index(): { name: string; docs: string } {
    return { name: 'tsunicorn nest example', docs: '/__stats shows what warm-up did in this worker' };
  }

  @Get('time')
  time(): { now: string } {
    return { now: new Date().toISOString() };
  }

  /** Outside the global prefix: load balancers probe `/health`. */
  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  ready(): { ready: true; pid: number } {
    return { ready: true, pid: process.pid };
  }
}
