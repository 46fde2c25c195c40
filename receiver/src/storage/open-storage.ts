// Picks the store from DATABASE_URL: unset → SQLite at ./data/receiver.db, `sqlite:<path>` →
// SQLite at that path, `postgres://` or `postgresql://` → PostgreSQL.

import type { MetricCatalog } from '@lunadefend/config';
import { createPostgresStorage } from './postgres.js';
import { createSqliteStorage } from './sqlite.js';
import type { Storage } from './storage.js';

export const DEFAULT_SQLITE_PATH = './data/receiver.db';

export type StorageTarget = { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string };

/** Parses a DATABASE_URL value; undefined when it names no supported store. */
export function parseDatabaseUrl(value: string | undefined): StorageTarget | undefined {
  if (value === undefined || value === '') return { kind: 'sqlite', path: DEFAULT_SQLITE_PATH };
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    return path === '' ? undefined : { kind: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(value)) {
    try {
      new URL(value);
      return { kind: 'postgres', url: value };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function openStorage(target: StorageTarget, poolSize?: number, catalog?: MetricCatalog): Storage {
  const stored = catalog === undefined ? {} : { catalog };
  return target.kind === 'sqlite'
    ? createSqliteStorage({ path: target.path, ...stored })
    : createPostgresStorage({ url: target.url, ...(poolSize === undefined ? {} : { poolSize }), ...stored });
}

/** A description safe for logs: the SQLite path, or the PostgreSQL host and database (no password). */
export function describeTarget(target: StorageTarget): string {
  if (target.kind === 'sqlite') return `sqlite:${target.path}`;
  const url = new URL(target.url);
  return `postgres://${url.host}${url.pathname}`;
}
