// Operations and their failure rates, derived from the catalog: every report key ending in
// "Failure" that has a "Success" twin is one operation. A new catalog pair shows up by itself.

import { REPORT_KEYS, type ReportKey } from '@lunadefend/config';

export interface Operation {
  /** The shared prefix, e.g. "tokenize". */
  readonly name: string;
  readonly successKey: ReportKey;
  readonly failureKey: ReportKey;
}

export const OPERATIONS: readonly Operation[] = Object.freeze(
  REPORT_KEYS.flatMap((failureKey) => {
    if (!failureKey.endsWith('Failure')) return [];
    const name = failureKey.slice(0, -'Failure'.length);
    const successKey = REPORT_KEYS.find((key) => key === `${name}Success`);
    return successKey === undefined ? [] : [{ name, successKey, failureKey }];
  }),
);

/** failures / (successes + failures), or null when nothing was attempted. */
export function failureRate(successes: number, failures: number): number | null {
  const attempts = successes + failures;
  return attempts === 0 ? null : failures / attempts;
}
