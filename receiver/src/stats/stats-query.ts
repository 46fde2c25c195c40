// Parses the query string of the stats API: an inclusive UTC day range (from, to), an optional
// version filter (repeated `version=` or comma-separated) and pagination. Ranges are capped so one
// request cannot ask the database for decades.

import type { Request } from 'express';
import { DAY_MS } from '@lunadefend/config';
import { ReceiverError, type ErrorDetail } from '../errors.js';
import { parseDay } from '../storage/days.js';

export const MAX_RANGE_DAYS = 3660;
export const MAX_PAGE_SIZE = 1000;

export interface StatsQuery {
  readonly from: string;
  readonly to: string;
  readonly versions: string[] | undefined;
  readonly limit: number;
  readonly offset: number;
}

function single(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : undefined;
}

export function parseStatsQuery(req: Request): StatsQuery {
  const details: ErrorDetail[] = [];
  const day = (name: string): string => {
    const value = single(req, name);
    if (value === undefined || parseDay(value) === undefined) {
      details.push({ path: name, message: 'must be a UTC day YYYY-MM-DD' });
      return '';
    }
    return value;
  };
  const integer = (name: string, fallback: number, max: number): number => {
    const value = single(req, name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n > max) {
      details.push({ path: name, message: `must be an integer from 0 to ${max}` });
      return fallback;
    }
    return n;
  };
  const from = day('from');
  const to = day('to');
  if (details.length === 0) {
    const days = (parseDay(to)! - parseDay(from)!) / DAY_MS + 1;
    if (days < 1) details.push({ path: 'to', message: 'must not be before from' });
    if (days > MAX_RANGE_DAYS) details.push({ path: 'to', message: `range must be at most ${MAX_RANGE_DAYS} days` });
  }
  const rawVersions = req.query.version;
  const list = rawVersions === undefined ? [] : Array.isArray(rawVersions) ? rawVersions : [rawVersions];
  const versions = list.flatMap((v) => (typeof v === 'string' ? v.split(',') : [])).filter((v) => v !== '');
  if (versions.some((v) => v.length > 64)) details.push({ path: 'version', message: 'is longer than 64 characters' });
  const limit = integer('limit', 100, MAX_PAGE_SIZE);
  const offset = integer('offset', 0, 10_000_000);
  if (details.length > 0) throw new ReceiverError('invalid_query', details);
  return { from, to, versions: versions.length > 0 ? versions : undefined, limit, offset };
}
