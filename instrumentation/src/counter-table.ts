// The hot path: one plain number per catalog metric, bumped in place. Nothing here allocates,
// logs or throws; the SDK only reads these totals (through observable counters) at export time.

import { METRIC_NAMES, type MetricName } from '@lunadefend/config';

export interface CounterTable {
  /** Adds `value` (a non-negative integer, default 1) to a catalog counter; anything else is ignored and counted. */
  readonly add: (name: MetricName, value?: number) => void;
  /** The running total of one catalog counter since start. */
  readonly total: (name: MetricName) => number;
  /** How many add() calls were ignored (unknown name, or a value that is not a non-negative safe integer). */
  readonly ignoredCalls: () => number;
}

/**
 * Creates the totals. `onFirstIgnored` runs once, on the first ignored call, so a caller can log
 * one line without the hot path ever logging per call.
 */
export function createCounterTable(onFirstIgnored: () => void = () => {}): CounterTable {
  // Built by assignment (not Object.fromEntries / Object.create(null)) so V8 keeps it a
  // fast-properties object; keyed loads then hit an inline cache.
  const totals: Record<string, number> = {};
  for (const name of METRIC_NAMES) totals[name] = 0;
  let ignored = 0;

  function add(name: MetricName, value = 1): void {
    // typeof guards first: a non-string name or a non-number value must never reach a coercion
    // that could call user code (toString / valueOf) and throw into the service.
    if (typeof name === 'string' && typeof value === 'number') {
      const current = totals[name];
      // Inherited keys (toString, __proto__) are not numbers, so only catalog names pass.
      if (typeof current === 'number' && value >= 0 && Number.isSafeInteger(value)) {
        totals[name] = current + value;
        return;
      }
    }
    if (ignored++ === 0) onFirstIgnored();
  }

  return {
    add,
    total: (name) => {
      const value = totals[name];
      return typeof value === 'number' ? value : 0;
    },
    ignoredCalls: () => ignored,
  };
}
