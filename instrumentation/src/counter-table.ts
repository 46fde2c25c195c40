// The hot path: one float64 slot per catalog metric, bumped in place. Nothing here allocates,
// logs or throws; the SDK only reads these totals (through observable counters) at export time.
//
// Why a switch: a service calls add() with several names from one function, so a keyed property
// lookup goes megamorphic (~30 ns per call on the bench machine), while a switch over string
// literals compiles to pointer comparisons of internalized strings (~1-3 ns). The switch is held
// to the catalog twice: TypeScript rejects a case that is not a catalog name and an unhandled
// catalog name (the `never` check), and the module refuses to load if a slot is out of order.

import { METRIC_NAMES, type MetricName } from './contract/index.js';

/** The catalog position of `name`, or -1 when it is not a catalog metric name. */
export function slotOf(name: MetricName): number {
  switch (name) {
    case 'lunadefend.tokenize.success': return 0;
    case 'lunadefend.tokenize.failure': return 1;
    case 'lunadefend.detokenize.success': return 2;
    case 'lunadefend.detokenize.failure': return 3;
    case 'lunadefend.grant.create.success': return 4;
    case 'lunadefend.grant.create.failure': return 5;
    default: {
      const _unhandled: never = name;
      return -1;
    }
  }
}

METRIC_NAMES.forEach((name, i) => {
  if (slotOf(name) !== i) throw new Error(`@lunadefend/metrics: slotOf(${name}) is not its catalog position ${i}`);
});

export interface CounterTable {
  /** Adds `value` (a non-negative integer, default 1) to a catalog counter; anything else is ignored and counted. */
  readonly add: (name: MetricName, value?: number) => void;
  /** The running total of one catalog counter since start (0 for anything else). */
  readonly total: (name: MetricName) => number;
  /** How many add() calls were ignored (unknown name, or a value that is not a non-negative safe integer). */
  readonly ignoredCalls: () => number;
}

/**
 * Creates the totals. `onFirstIgnored` runs once, on the first ignored call, so a caller can log
 * one line without the hot path ever logging per call.
 */
export function createCounterTable(onFirstIgnored: () => void = () => {}): CounterTable {
  const totals = new Float64Array(METRIC_NAMES.length);
  let ignored = 0;

  function add(name: MetricName, value = 1): void {
    // `typeof` first so a hostile value never reaches a coercion (valueOf) that could throw; the
    // switch compares without coercing, so a non-string name simply falls to -1.
    if (typeof value === 'number' && value >= 0 && Number.isSafeInteger(value)) {
      const slot = slotOf(name);
      if (slot >= 0) {
        totals[slot]! += value;
        return;
      }
    }
    if (ignored++ === 0) onFirstIgnored();
  }

  return {
    add,
    total: (name) => {
      const slot = slotOf(name);
      return slot >= 0 ? (totals[slot] ?? 0) : 0;
    },
    ignoredCalls: () => ignored,
  };
}
