import { afterEach, describe, expect, it } from 'vitest';
import { createToDelta } from '../delta/to-delta.js';
import { previewReports } from '../window/report-preview.js';
import { createStateHandle, type StateHandle } from '../state/state-handle.js';
import { createOwnMetrics } from '../telemetry/own-metrics.js';
import { captureLogger, makeFixture, type Fixture } from '../testing/collector-fixture.js';
import { single } from '../testing/model-builders.js';
import { createWindowTotals } from '../window/window-totals.js';
import { createAggregatingConsumer } from '../aggregate/aggregating-consumer.js';
import { createGroupCommit } from './group-commit.js';

const T0 = Date.UTC(2026, 10, 24, 9);
let fixture: Fixture | undefined;
let state: StateHandle | undefined;
afterEach(() => {
  state?.close();
  fixture?.cleanup();
});

describe('group commit', () => {
  it('commits concurrent requests in one transaction and answers each with its own outcome', async () => {
    fixture = makeFixture();
    state = createStateHandle({ directory: fixture.stateDirectory, logger: captureLogger().logger, now: () => T0 });
    const aggregating = createAggregatingConsumer({
      state,
      toDelta: createToDelta({ maxStreams: 100, streamStalenessMs: 60_000 }),
      windowTotals: createWindowTotals({ windowMs: 86_400_000 }),
      configuredStackId: undefined,
      now: () => T0,
      metrics: createOwnMetrics(),
    });
    const batches: number[] = [];
    const consumeBatch = aggregating.consumeBatch;
    const group = createGroupCommit({ consumeBatch: (requests) => {
      batches.push(requests.length);
      return consumeBatch(requests);
    } });
    const outcomes = await Promise.all([
      group.submit(single({ value: 2, startMs: T0, timeMs: T0 + 1, temporality: 1 })),
      group.submit(single({ value: 3, startMs: T0, timeMs: T0 + 1, temporality: 1, version: 'bad' })),
      group.submit(single({ value: 4, startMs: T0, timeMs: T0 + 1, temporality: 1 })),
    ]);
    expect(batches).toEqual([3]);
    expect(outcomes.map((o) => (o.kind === 'accepted' ? o.rejectedDataPoints : -1))).toEqual([0, 1, 0]);
    expect(JSON.parse(previewReports(fixture.config).open[0] ?? '{}')).toMatchObject({ metrics: { tokenizeSuccess: 6 } });
    // A later request is a new group.
    await group.submit(single({ value: 1, startMs: T0, timeMs: T0 + 1, temporality: 1 }));
    expect(batches).toEqual([3, 1]);
  });
});
