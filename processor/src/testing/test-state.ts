// A real state file for tests of the parts below the collector: a state handle on a fresh fixture
// and the aggregating consumer over it, closed and removed after each test (call useTestState()
// once per file).

import { afterEach } from 'vitest';
import { createAggregatingConsumer } from '../aggregate/aggregating-consumer.js';
import type { MetricsConsumer } from '../component.js';
import { createToDelta } from '../delta/to-delta.js';
import { createStateHandle, type StateHandle } from '../state/state-handle.js';
import { createOwnMetrics, type OwnMetrics } from '../telemetry/own-metrics.js';
import { createWindowTotals } from '../window/window-totals.js';
import { captureLogger, makeFixture, type Fixture } from './collector-fixture.js';

export interface TestState {
  readonly state: StateHandle;
  readonly f: Fixture;
  readonly log: ReturnType<typeof captureLogger>;
  readonly metrics: OwnMetrics;
  /** Privacy filter → to-delta → window totals of `windowMs` over this state. */
  aggregating(windowMs: number): MetricsConsumer;
}

export function useTestState(): (now: () => number) => TestState {
  const opened: TestState[] = [];
  afterEach(() => {
    for (const { state, f } of opened.splice(0)) {
      state.close();
      f.cleanup();
    }
  });
  return (now) => {
    const f = makeFixture();
    const log = captureLogger();
    const metrics = createOwnMetrics();
    const state = createStateHandle({ directory: f.stateDirectory, logger: log.logger, now });
    const made: TestState = {
      state,
      f,
      log,
      metrics,
      aggregating: (windowMs) =>
        createAggregatingConsumer({
          state,
          toDelta: createToDelta({ maxStreams: 100, streamStalenessMs: 60_000 }),
          windowTotals: createWindowTotals({ windowMs }),
          configuredStackId: undefined,
          now,
          metrics,
        }),
    };
    opened.push(made);
    return made;
  };
}
