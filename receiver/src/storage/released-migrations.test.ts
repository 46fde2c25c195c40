// A released migration never changes: a store that ran it must end where a fresh store ends. The
// SQL of every released migration is pinned here by its SHA-256, so composing a migration from
// shared sections (postgres-ingest.ts) or generating it from the catalog (metric-migrations.ts)
// cannot alter what it runs. A new migration is pinned here once it is released.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { SQLITE_MIGRATIONS, type Migration } from './sqlite-migrations.js';

const RELEASED_POSTGRES: Record<number, string> = {
  1: '3bed557dd3e85c8f298ed9f96909abda2dca6fd262e529fe2239056e73d11c0f',
  2: 'e34842aa84c0697aabd63d54e2d6cb9b80d95d8e1982ce39a81695cfa141c08d',
  3: '0f0815f85ce2fece5a02c5b4fb67a411dd17e253f0855604c3d96de3705bb587',
  4: '4fff2ab44bb8e00c454534a8d9c9cbba047f8ccef448ece47e301dcc3e800e1c',
  5: '778a6396f11b3d68abc8edf0ec826ba5862e38fc413798a75cb4a9066dbb3f21',
  6: '08019c4d623aeaf1b3cb10cbea86b26c107c736c5acbf885837c481801a9719c',
};
const RELEASED_SQLITE: Record<number, string> = {
  1: 'fd0067af066f889fe7e5bc75c7051d67de1167e5ab90ff78c4f4437c0139c855',
  2: '0f0815f85ce2fece5a02c5b4fb67a411dd17e253f0855604c3d96de3705bb587',
  3: '259d94988efd0b184baf84677d674526627d2f4f2c03bb0dc2ce169b9bd0dcfd',
  4: 'ef6721ef05b9337bd73d903a3f4fdae5c93495292f78ee341dcaaa7033cf67c3',
};

const hashes = (migrations: readonly Migration[], released: Record<number, string>): Record<number, string> =>
  Object.fromEntries(
    migrations.filter((m) => released[m.version] !== undefined).map((m) => [m.version, createHash('sha256').update(m.sql).digest('hex')]),
  );

describe('released migrations', () => {
  it('run exactly the SQL they were released with, on PostgreSQL', () => {
    expect(hashes(POSTGRES_MIGRATIONS, RELEASED_POSTGRES)).toEqual(RELEASED_POSTGRES);
  });

  it('run exactly the SQL they were released with, on SQLite', () => {
    expect(hashes(SQLITE_MIGRATIONS, RELEASED_SQLITE)).toEqual(RELEASED_SQLITE);
  });

  it('are numbered 1, 2, 3, … without gaps, the released ones first', () => {
    for (const [list, released] of [[POSTGRES_MIGRATIONS, RELEASED_POSTGRES], [SQLITE_MIGRATIONS, RELEASED_SQLITE]] as const) {
      expect(list.map((m) => m.version)).toEqual(list.map((_, i) => i + 1));
      expect(Object.keys(released).map(Number)).toEqual(list.slice(0, Object.keys(released).length).map((m) => m.version));
    }
  });
});
