// Parses the dashboard's query parameters (from, to, versions, cohort, limit, offset) into checked values.
// Bad input is answered with 400 and the offending parameter; nothing unchecked reaches storage.

import { SEMVER_PATTERN, VERSION_MAX_LENGTH } from '@lunadefend/config';
import type { ErrorDetail, ReceiverErrorCode } from '../errors.js';
import { COHORTS, isCohort, type Cohort } from '../stats/public-cohort.js';
import { addDays, parseDay, utcDay } from '../storage/days.js';
import { daysBetween } from './utc-days.js';

export const DEFAULT_RANGE_DAYS = 30;
/** Longest range one request may ask for; the default retention is 400 days. */
export const MAX_RANGE_DAYS = 731;
export const MAX_VERSIONS = 50;
export const MAX_PAGE_SIZE = 200;

export interface DashboardQuery {
  readonly from: string;
  readonly to: string;
  /** Empty means every version. */
  readonly versions: string[];
  /** Which deployments count (default `all`). */
  readonly cohort: Cohort;
}

export interface PageQuery {
  readonly limit: number;
  readonly offset: number;
}

/** A failure is `invalid_query` unless it names another code. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; details: ErrorDetail[]; code?: ReceiverErrorCode };

type Query = Record<string, unknown>;

const detail = (path: string, message: string): ErrorDetail => ({ path, message });

const isDay = (value: unknown): value is string => typeof value === 'string' && parseDay(value) !== undefined;

const single = (query: Query, name: string): unknown => {
  const value = query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
};

/** The default range: the last DEFAULT_RANGE_DAYS UTC days up to and including today. */
export function defaultRange(now: Date): { from: string; to: string } {
  const to = utcDay(now.getTime());
  return { from: addDays(to, -(DEFAULT_RANGE_DAYS - 1)), to };
}

export function parseDashboardQuery(query: Query, now: Date): Parsed<DashboardQuery> {
  const details: ErrorDetail[] = [];
  const defaults = defaultRange(now);
  const from = single(query, 'from') ?? defaults.from;
  const to = single(query, 'to') ?? defaults.to;
  if (!isDay(from)) details.push(detail('from', 'expected a day YYYY-MM-DD'));
  if (!isDay(to)) details.push(detail('to', 'expected a day YYYY-MM-DD'));
  const versions = parseVersions(single(query, 'versions'), details);
  const cohort = single(query, 'cohort') ?? 'all';
  if (!isCohort(cohort)) return { ok: false, code: 'unknown_cohort', details: [detail('cohort', `one of ${COHORTS.join(', ')}`)] };
  if (details.length > 0 || !isDay(from) || !isDay(to)) return { ok: false, details };
  const span = daysBetween(from, to);
  if (span < 0) return { ok: false, details: [detail('to', 'must not be before from')] };
  if (span >= MAX_RANGE_DAYS) return { ok: false, details: [detail(`to`, `the range may span at most ${MAX_RANGE_DAYS} days`)] };
  return { ok: true, value: { from, to, versions, cohort } };
}

function parseVersions(raw: unknown, details: ErrorDetail[]): string[] {
  if (raw === undefined || raw === '') return [];
  if (typeof raw !== 'string') {
    details.push(detail('versions', 'expected a comma-separated list'));
    return [];
  }
  const versions = [...new Set(raw.split(',').map((v) => v.trim()).filter((v) => v !== ''))];
  if (versions.length > MAX_VERSIONS) details.push(detail(`versions`, `at most ${MAX_VERSIONS}`));
  const pattern = new RegExp(SEMVER_PATTERN);
  for (const version of versions) {
    if (version.length > VERSION_MAX_LENGTH || !pattern.test(version)) {
      details.push(detail('versions', 'each must be a semantic version'));
      break;
    }
  }
  return versions.sort();
}

export function parsePageQuery(query: Query): Parsed<PageQuery> {
  const limit = integer(single(query, 'limit'), 50);
  const offset = integer(single(query, 'offset'), 0);
  const details: ErrorDetail[] = [];
  if (limit === undefined || limit < 1 || limit > MAX_PAGE_SIZE) details.push(detail(`limit`, `an integer from 1 to ${MAX_PAGE_SIZE}`));
  if (offset === undefined || offset < 0 || offset > 10_000_000) details.push(detail('offset', 'a non-negative integer'));
  if (limit === undefined || offset === undefined || details.length > 0) return { ok: false, details };
  return { ok: true, value: { limit, offset } };
}

function integer(raw: unknown, fallback: number): number | undefined {
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw)) return undefined;
  return Number(raw);
}
