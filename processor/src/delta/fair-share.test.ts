import { describe, expect, it } from 'vitest';
import { previewReports } from '../window/report-preview.js';
import type { Fixture } from '../testing/collector-fixture.js';
import { point, request, resource, str } from '../testing/model-builders.js';
import { useTestCollectors } from '../testing/test-collectors.js';

const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);
const NOISY = '9b2f6c1e-5d4a-4f3b-8e7d-1a2b3c4d5e6f';
const GOOD = '3d9c49ce-8367-43ec-8884-568c8d43faec';
const CATALOG = ['lunadefend.tokenize.success', 'lunadefend.tokenize.failure', 'lunadefend.detokenize.success', 'lunadefend.detokenize.failure', 'lunadefend.grant.create.success', 'lunadefend.grant.create.failure'];
const collectors = useTestCollectors();

function totalsOf(f: Fixture, stackId: string): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const body of previewReports(f.config).open) {
    const report = JSON.parse(body) as { stack_id: string; metrics: Record<string, number> };
    if (report.stack_id !== stackId) continue;
    for (const [k, v] of Object.entries(report.metrics)) totals[k] = (totals[k] ?? 0) + v;
  }
  return totals;
}

describe('fair share of stream state', () => {
  it('a noisy producer with 50,000 series on the catalog counters cannot starve a well-behaved one; its refusals are counted', async () => {
    // max_streams 10,000, max_streams_per_producer 2,500 (the defaults)
    const { c, f, clock } = collectors.make({ atMs: T0, env: { LUNADEFEND_TELEMETRY: 'local' } });
    let goodValue = 0;
    let goodStartMs = T0;
    let goodIncrements = 0;
    let refused = 0;
    const goodRound = (t: number) => {
      goodValue += 3;
      goodIncrements += 3 * 4;
      // Four series: two counters × two operations, each a cumulative stream started after the collector.
      const sums = CATALOG.slice(0, 2).map((name) => ({
        name,
        points: ['a', 'b'].map((op) => point({ value: goodValue, startMs: goodStartMs, timeMs: t, attributes: [str('op', op)] })),
      }));
      const outcome = c.consume(request(resource({ version: '1.0.0', stackId: GOOD, attributes: [str('service.instance.id', 'good')], sums })));
      expect(outcome).toMatchObject({ kind: 'accepted', rejectedDataPoints: 0 });
    };
    const perRequest = 5000;
    for (let r = 0; r < 10; r++) {
      clock.advance(1000);
      const t = clock.now();
      const sums = CATALOG.map((name, m) => ({
        name,
        points: Array.from({ length: perRequest / CATALOG.length + (m < perRequest % CATALOG.length ? 1 : 0) }, (_, i) =>
          point({ value: 1, startMs: T0 + 1, timeMs: t, attributes: [str('user', `u${r}-${m}-${i}`)] })),
      }));
      const outcome = c.consume(request(resource({ version: '1.0.0', stackId: NOISY, attributes: [str('service.instance.id', 'noisy')], sums })));
      if (outcome.kind === 'accepted') refused += outcome.rejectedDataPoints;
      // The well-behaved producer starts once the noisy one has sent 15,000 series (more than
      // max_streams), and restarts later: both times it needs new streams.
      if (r === 3 || r === 6) {
        goodStartMs = t;
        goodValue = 0;
      }
      if (r >= 3) goodRound(t + 1);
    }
    expect(refused).toBe(50_000 - 2_500);
    expect(await c.metrics.registry.getSingleMetricAsString('lunadefend_collector_points_rejected_total')).toMatch(/reason="producer_stream_limit"} 47500$/m);
    const good = totalsOf(f, GOOD);
    expect((good.tokenizeSuccess ?? 0) + (good.tokenizeFailure ?? 0)).toBe(goodIncrements);
    expect(good).toMatchObject({ tokenizeSuccess: goodIncrements / 2, tokenizeFailure: goodIncrements / 2 });
  }, 120_000);
});
