// Turns the storage's per-day rows (days without reports omitted) into dense columns, one value
// per day of the range, which is the shape both uPlot and the data tables want. Pure.

import { REPORT_KEYS, type ReportKey } from '@lunadefend/config';
import type { DailyStats } from '../storage/storage.js';
import { OPERATIONS, failureRate } from './failure-rates.js';
import { eachDay } from './utc-days.js';

export interface DailySeries {
  readonly from: string;
  readonly to: string;
  /** Every UTC day of the range, in order. */
  readonly days: string[];
  readonly activeDeployments: number[];
  /** Versions seen in the range (after the version filter), sorted. */
  readonly versions: string[];
  readonly deploymentsByVersion: Record<string, number[]>;
  readonly totals: Record<ReportKey, number[]>;
  readonly failureRates: { operation: string; rates: (number | null)[] }[];
}

export function toDailySeries(from: string, to: string, rows: readonly DailyStats[]): DailySeries {
  const days = eachDay(from, to);
  const byDay = new Map(rows.map((row) => [row.day, row]));
  const versions = [...new Set(rows.flatMap((row) => Object.keys(row.deploymentsByVersion)))].sort(compareVersions);
  const column = (pick: (row: DailyStats) => number): number[] =>
    days.map((day) => {
      const row = byDay.get(day);
      return row === undefined ? 0 : pick(row);
    });
  const totals = Object.fromEntries(REPORT_KEYS.map((key) => [key, column((row) => row.totals[key] ?? 0)])) as Record<
    ReportKey,
    number[]
  >;
  return {
    from,
    to,
    days,
    activeDeployments: column((row) => row.activeDeployments),
    versions,
    deploymentsByVersion: Object.fromEntries(
      versions.map((version) => [version, column((row) => row.deploymentsByVersion[version] ?? 0)]),
    ),
    totals,
    failureRates: OPERATIONS.map((op) => ({
      operation: op.name,
      rates: days.map((_, i) => failureRate(totals[op.successKey][i] ?? 0, totals[op.failureKey][i] ?? 0)),
    })),
  };
}

/** Orders semantic versions by major.minor.patch, then pre-release, then the rest as text. */
export function compareVersions(a: string, b: string): number {
  const core = (v: string): number[] => (v.match(/^(\d+)\.(\d+)\.(\d+)/)?.slice(1) ?? []).map(Number);
  const [ca, cb] = [core(a), core(b)];
  for (let i = 0; i < 3; i += 1) {
    const d = (ca[i] ?? 0) - (cb[i] ?? 0);
    if (d !== 0) return d;
  }
  // A pre-release comes before its release (1.2.0-rc.1 < 1.2.0).
  const pre = (v: string): boolean => /^\d+\.\d+\.\d+-/.test(v);
  if (pre(a) !== pre(b)) return pre(a) ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
