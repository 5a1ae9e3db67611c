/**
 * Folds the fresh starts of one contender on one app into the numbers the report shows. A
 * start gives one sample per worker (one connection each); ratios are medians over all
 * samples, start → ready and warm-up times medians over starts.
 */
import { maxBy, median } from './stats.mjs';

/**
 * @param {{ samples: object[], startToReadyMs: number, warmupMs: number | null }[]} starts
 */
export function aggregateRuns(starts) {
  const samples = starts.flatMap((s) => s.samples);
  const perRoute = aggregateRoutes(samples);
  const worst = maxBy(perRoute, (r) => r.ratio);
  const hasIdle = perRoute.every((r) => r.idleRatio !== undefined);
  const worstIdle = hasIdle ? maxBy(perRoute, (r) => r.idleRatio) : undefined;
  const sampleMedians = samples.map((s) => s.medianRatio);
  return {
    starts: starts.length,
    samples: samples.length,
    medianRatio: median(sampleMedians),
    medianRatioRange: [Math.min(...sampleMedians), Math.max(...sampleMedians)],
    // The route whose ratio is highest once each route's samples are reduced to their median.
    worstRoute: worst.route,
    worstRatio: worst.ratio,
    // How often each route was the worst of a sample, e.g. { 'GET /report': 4, 'POST /echo': 1 }.
    worstRouteCounts: countBy(samples.map((s) => s.worstRoute)),
    veryFirstMs: median(samples.map((s) => s.veryFirstMs)),
    idleWarmMs: median(samples.map((s) => s.idleWarmMs)),
    firstTotalMs: median(samples.map((s) => s.firstTotalMs)),
    steadyTotalMs: median(samples.map((s) => s.steadyTotalMs)),
    startToReadyMs: median(starts.map((s) => s.startToReadyMs)),
    warmupMs: starts[0].warmupMs === null ? null : median(starts.map((s) => s.warmupMs)),
    // First ÷ warm-after-idle control, each route's median over samples, then over routes.
    ...(worstIdle
      ? { medianIdleRatio: median(perRoute.map((r) => r.idleRatio)), worstIdleRatio: worstIdle.idleRatio, worstIdleRoute: worstIdle.route }
      : {}),
    perRoute,
  };
}

function aggregateRoutes(samples) {
  return samples[0].routes.map((first, i) => {
    const same = samples.map((s) => s.routes[i]);
    return {
      route: first.route,
      firstMs: median(same.map((r) => r.firstMs)),
      steadyMs: median(same.map((r) => r.steadyMs)),
      ratio: median(same.map((r) => r.ratio)),
      ...(first.idleMs === undefined ? {} : { idleMs: median(same.map((r) => r.idleMs)), idleRatio: median(same.map((r) => r.idleRatio)) }),
      statuses: [...new Set(same.flatMap((r) => [r.firstStatus, r.steadyStatus]))].sort(),
    };
  });
}

function countBy(values) {
  const counts = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
}
