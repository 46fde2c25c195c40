// In-process collectors for tests: each on a fresh fixture (or a given one, to restart on the same
// state), with a settable clock, captured logs, seeded randomness and no timer — tests drive
// sealDue(), exportDue() and tick() themselves. Capture receivers come from here too. Whatever a
// test made is shut down, closed and removed after it (call useTestCollectors() once per file).

import { seededRandom } from '@lunadefend/testkit';
import { afterEach } from 'vitest';
import { createCollector, type Collector } from '../collector.js';
import { startCaptureReceiver, type CaptureReceiver } from './capture-receiver.js';
import { captureLogger, makeFixture, manualClock, type Fixture, type FixtureOptions } from './collector-fixture.js';

export interface TestCollectorOptions extends FixtureOptions {
  /** Where the clock starts (ms since epoch). */
  readonly atMs: number;
  /** Environment of the mode decision; default {} (on, sending to the fixture's endpoint). */
  readonly env?: NodeJS.ProcessEnv;
  /** Seed of the collector's randomness (send and retry jitter); default Math.random. */
  readonly seed?: number;
  /** Run on this fixture (a restart on the same state) instead of a new one. */
  readonly fixture?: Fixture;
}

export interface TestCollector {
  readonly c: Collector;
  readonly f: Fixture;
  readonly clock: ReturnType<typeof manualClock>;
  readonly log: ReturnType<typeof captureLogger>;
}

export interface TestCollectors {
  /** A collector not started: no listeners, for tests that never go through HTTP. */
  make(options: TestCollectorOptions): TestCollector;
  /** A collector started: its listeners (OTLP, metrics, health) are bound. */
  start(options: TestCollectorOptions): Promise<TestCollector>;
  receiver(): Promise<CaptureReceiver>;
}

export function useTestCollectors(): TestCollectors {
  const collectors: Collector[] = [];
  const receivers: CaptureReceiver[] = [];
  const fixtures = new Set<Fixture>();
  afterEach(async () => {
    for (const c of collectors.splice(0).reverse()) await c.shutdown();
    for (const r of receivers.splice(0)) await r.close();
    for (const f of fixtures) f.cleanup();
    fixtures.clear();
  });

  const make = (options: TestCollectorOptions): TestCollector => {
    const { atMs, env, seed, fixture, ...fixtureOptions } = options;
    const f = fixture ?? makeFixture(fixtureOptions);
    fixtures.add(f);
    const clock = manualClock(atMs);
    const log = captureLogger();
    const c = createCollector(f.config, { now: clock.now, env: env ?? {}, logger: log.logger, ...(seed === undefined ? {} : { random: seededRandom(seed) }), schedule: false });
    collectors.push(c);
    return { c, f, clock, log };
  };

  return {
    make,
    async start(options) {
      const made = make(options);
      await made.c.start();
      return made;
    },
    async receiver() {
      const r = await startCaptureReceiver();
      receivers.push(r);
      return r;
    },
  };
}
