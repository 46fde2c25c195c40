// The one parser of stats queries, for every route that takes one: the stats API (/v1/stats/*)
// and the signed-in dashboard (its page and /dashboard/api/*). One set of limits, listed in
// docs/errors.md (`invalid_query`); nothing unchecked reaches storage. /stats takes no query.

import { SEMVER_PATTERN, VERSION_MAX_LENGTH } from '@lunadefend/config';
import { ReceiverError, type ErrorDetail } from '../errors.js';
import { addDays, parseDay, utcDay } from '../storage/days.js';
import { COHORTS, isCohort, type Cohort } from './public-cohort.js';

/** Without `from` and `to`: the last 30 UTC days up to and including today. */
export const DEFAULT_RANGE_DAYS = 30;
/** Longest range one request may ask for (two years and a leap day); the default retention is 400 days. */
export const MAX_RANGE_DAYS = 731;
export const MAX_VERSIONS = 50;
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
export const MAX_OFFSET = 10_000_000;

export interface StatsRequest {
  readonly from: string;
  readonly to: string;
  /** Sorted, without repeats; empty means every version. */
  readonly versions: string[];
  readonly cohort: Cohort;
  readonly limit: number;
  readonly offset: number;
}

export type ParsedStatsRequest = { readonly ok: true; readonly value: StatsRequest } | { readonly ok: false; readonly error: ReceiverError };

type Query = Record<string, unknown>;

const detail = (path: string, message: string): ErrorDetail => ({ path, message });
/** A repeated single-valued parameter counts with its last value, as a browser form would send it. */
const single = (query: Query, name: string): unknown => {
  const value = query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
};
const SEMVER = new RegExp(SEMVER_PATTERN);

/** The default range at `now`. */
export function defaultRange(now: Date): { from: string; to: string } {
  const to = utcDay(now.getTime());
  return { from: addDays(to, -(DEFAULT_RANGE_DAYS - 1)), to };
}

/**
 * `from`, `to` (UTC days, both or neither), `versions` (comma-separated; `version` may also be
 * repeated), `cohort` (`all` or `public`), `limit` and `offset`. A cohort other than those two is
 * `unknown_cohort`; anything else wrong is `invalid_query`, naming every bad parameter.
 */
export function parseStatsQuery(query: Query, now: Date): ParsedStatsRequest {
  const cohort = single(query, 'cohort') ?? 'all';
  if (!isCohort(cohort)) return failed('unknown_cohort', [detail('cohort', `must be one of ${COHORTS.join(', ')}`)]);
  const details: ErrorDetail[] = [];
  const range = parseRange(single(query, 'from'), single(query, 'to'), now, details);
  const versions = parseVersions([query.versions, query.version], details);
  const limit = parseInteger(single(query, 'limit'), 'limit', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, details);
  const offset = parseInteger(single(query, 'offset'), 'offset', 0, MAX_OFFSET, details);
  if (range === undefined || details.length > 0) return failed('invalid_query', details);
  return { ok: true, value: { ...range, versions, cohort, limit, offset } };
}

/** As parseStatsQuery, throwing the error for the one HTTP error handler. */
export function statsQueryOrThrow(query: Query, now: Date): StatsRequest {
  const parsed = parseStatsQuery(query, now);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

const failed = (code: 'invalid_query' | 'unknown_cohort', details: ErrorDetail[]): ParsedStatsRequest => ({
  ok: false,
  error: new ReceiverError(code, details),
});

function parseRange(rawFrom: unknown, rawTo: unknown, now: Date, details: ErrorDetail[]): { from: string; to: string } | undefined {
  if (rawFrom === undefined && rawTo === undefined) return defaultRange(now);
  const from = typeof rawFrom === 'string' ? parseDay(rawFrom) : undefined;
  const to = typeof rawTo === 'string' ? parseDay(rawTo) : undefined;
  if (from === undefined) details.push(detail('from', 'must be a UTC day YYYY-MM-DD (with to, or neither for the last 30 days)'));
  if (to === undefined) details.push(detail('to', 'must be a UTC day YYYY-MM-DD (with from, or neither for the last 30 days)'));
  if (from === undefined || to === undefined) return undefined;
  const days = Math.round((to - from) / 86_400_000) + 1;
  if (days < 1) details.push(detail('to', 'must not be before from'));
  if (days > MAX_RANGE_DAYS) details.push(detail('to', `the range may span at most ${MAX_RANGE_DAYS} days`));
  return { from: rawFrom as string, to: rawTo as string };
}

function parseVersions(raw: readonly unknown[], details: ErrorDetail[]): string[] {
  const values = raw.flatMap((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]));
  if (values.some((value) => typeof value !== 'string')) {
    details.push(detail('versions', 'expected a comma-separated list'));
    return [];
  }
  const versions = [...new Set((values as string[]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== ''))];
  if (versions.length > MAX_VERSIONS) details.push(detail('versions', `at most ${MAX_VERSIONS}`));
  if (versions.some((v) => v.length > VERSION_MAX_LENGTH || !SEMVER.test(v))) details.push(detail('versions', 'each must be a semantic version'));
  return versions.sort();
}

function parseInteger(raw: unknown, name: string, fallback: number, max: number, details: ErrorDetail[]): number {
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw) || Number(raw) > max) {
    details.push(detail(name, `must be an integer from 0 to ${max}`));
    return fallback;
  }
  return Number(raw);
}
