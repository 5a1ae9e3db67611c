/**
 * Reports. The report module is imported inside the handlers, the way code is often split
 * to keep startup fast: its first import costs tens of milliseconds, which warm-up moves
 * out of the first user's request.
 */
export async function reportRoutes(app) {
  const yearParams = { type: 'object', properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 } }, required: ['year'] };

  app.get('/report', async () => {
    const { buildReport } = await import('../lib/report.js');
    return buildReport(new Date().getUTCFullYear());
  });

  app.get('/report/:year', { schema: { params: yearParams } }, async (request) => {
    const { buildReport } = await import('../lib/report.js');
    return buildReport(request.params.year);
  });

  app.get('/report/:year/csv', { schema: { params: yearParams } }, async (request, reply) => {
    const { buildReport, reportToCsv } = await import('../lib/report.js');
    return reply.type('text/csv; charset=utf-8').send(reportToCsv(buildReport(request.params.year)));
  });
}
