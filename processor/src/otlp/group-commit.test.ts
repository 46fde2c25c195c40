import { describe, expect, it } from 'vitest';
import { previewReports } from '../window/report-preview.js';
import { single } from '../testing/model-builders.js';
import { useTestState } from '../testing/test-state.js';
import { createGroupCommit } from './group-commit.js';

const T0 = Date.UTC(2026, 10, 24, 9);
const openState = useTestState();

describe('group commit', () => {
  it('commits concurrent requests in one transaction and answers each with its own outcome', async () => {
    const { f, aggregating } = openState(() => T0);
    const consumeBatch = aggregating(86_400_000).consumeBatch;
    const batches: number[] = [];
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
    expect(JSON.parse(previewReports(f.config).open[0] ?? '{}')).toMatchObject({ metrics: { tokenizeSuccess: 6 } });
    // A later request is a new group.
    await group.submit(single({ value: 1, startMs: T0, timeMs: T0 + 1, temporality: 1 }));
    expect(batches).toEqual([3, 1]);
  });
});
