import { Controller, Get, Header, Param } from '@nestjs/common';

/** The renderer is imported on first use, as many apps do for code only some routes need. */
async function loadRenderer(): Promise<typeof import('./report.js')> {
  return import('./report.js');
}

@Controller('reports')
export class ReportsController {
  @Get('summary')
  @Header('content-type', 'text/plain; charset=utf-8')
  async summary(): Promise<string> {
    const { renderReport, figuresFor } = await loadRenderer();
    return renderReport('Summary', figuresFor('summary'));
  }

  @Get('daily')
  @Header('content-type', 'text/plain; charset=utf-8')
  async daily(): Promise<string> {
    const { renderReport, figuresFor } = await loadRenderer();
    const day = new Date().toISOString().slice(0, 10);
    return renderReport(`Daily ${day}`, figuresFor(day));
  }

  @Get(':day')
  @Header('content-type', 'text/plain; charset=utf-8')
  async forDay(@Param('day') day: string): Promise<string> {
    const { renderReport, figuresFor } = await loadRenderer();
    return renderReport(`Report ${day}`, figuresFor(day));
  }
}
