// The deployments list (`Storage.deployments`, the dashboard's deployments table) on DAYS days of
// per-deployment history for the fleet, before and after the deployment runs, side by side on the
// same data: "before" is the query of schema version 3 (PostgreSQL) / 2 (SQLite), a distinct count
// and a group-by over one row per deployment and day, with its index re-created for the occasion;
// "after" is the storage's own method, reading one row per run of consecutive days.
//
// History: each deployment reports every day except a pseudo-random MISSING_PERCENT of its days,
// and reported an older version (1.2.0) before a pseudo-random upgrade day in the range.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS, createSqliteStorage } from '@lunadefend/receiver';

const RUNS = 5;
const PAGE = 50;

/** Median time of `runs` calls of `fn`, with the last call's result. */
export async function medianTime(fn, runs = RUNS) {
  const times = [];
  let result;
  for (let i = 0; i < runs; i += 1) {
    const t = performance.now();
    result = await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(runs / 2)], result };
}

/** The statement with which the migration that introduced deployment_runs fills it, as the migration runs it. */
function runsBackfill(migrations) {
  for (const migration of migrations) {
    const statement = /insert into deployment_runs\b[\s\S]*?;/.exec(migration.sql)?.[0];
    if (statement !== undefined) return statement;
  }
  throw new Error('no migration fills deployment_runs');
}

/** Each case timed with the legacy query (while the index it had exists). */
async function timeLegacy(list, legacy) {
  const rows = [];
  for (const [label, q] of list) rows.push({ label, q, before: await medianTime(() => legacy(q)) });
  return rows;
}

/** …then with the storage's own method, and whether both gave the same answer. */
async function timeStorage(rows, storage) {
  for (const row of rows) {
    const after = await medianTime(() => storage.deployments(row.q));
    Object.assign(row, { same: same(after.result, row.before.result), after: after.ms, before: row.before.ms });
  }
  return rows;
}

// The queries of PostgreSQL schema version 3 (receiver/src/storage/postgres.ts before the runs).
async function legacyPostgres(client, q) {
  const filtered = q.versions !== undefined;
  const where = `period = 'day' and period_start between $1 and $2 ${filtered ? 'and versions && $3::text[]' : ''}`;
  const params = filtered ? [q.from, q.to, q.versions] : [q.from, q.to];
  const [count, rows] = await Promise.all([
    client.query(`select count(*) as n from (select stack_id from deployment_periods where ${where} group by stack_id) s`, params),
    client.query(
      `with page as (
         select stack_id, min(period_start) as first_seen, max(period_start) as last_seen
         from deployment_periods where ${where}
         group by stack_id order by stack_id limit $${params.length + 1} offset $${params.length + 2})
       select p.stack_id::text as stack_id, to_char(p.first_seen, 'YYYY-MM-DD') as first_seen, to_char(p.last_seen, 'YYYY-MM-DD') as last_seen,
         (select array_agg(distinct v order by v) from deployment_periods d cross join lateral unnest(d.versions) v
          where d.period = 'day' and d.stack_id = p.stack_id and d.period_start between $1 and $2
            ${filtered ? 'and v = any($3)' : ''}) as versions
       from page p order by p.stack_id`,
      [...params, q.limit, q.offset],
    ),
  ]);
  return {
    total: Number(count.rows[0].n),
    deployments: rows.rows.map((r) => ({ stackId: r.stack_id, versions: r.versions, firstSeen: r.first_seen, lastSeen: r.last_seen })),
  };
}

// The queries of SQLite schema version 2 (receiver/src/storage/sqlite.ts before the runs).
function legacySqlite(db, q) {
  const filtered = q.versions !== undefined;
  const marks = filtered ? q.versions.map(() => '?').join(', ') : '';
  const where = `d.period = 'day' and d.period_start between ? and ? ${
    filtered ? `and exists (select 1 from json_each(d.versions) j where j.value in (${marks}))` : ''
  }`;
  const params = [q.from, q.to, ...(q.versions ?? [])];
  const { n } = db.prepare(`select count(*) as n from (select d.stack_id from deployment_periods d where ${where} group by d.stack_id)`).get(...params);
  const rows = db
    .prepare(
      `select p.stack_id, p.first_seen, p.last_seen,
         (select json_group_array(distinct j.value) from deployment_periods d2, json_each(d2.versions) j
          where d2.period = 'day' and d2.stack_id = p.stack_id and d2.period_start between ? and ?
            ${filtered ? `and j.value in (${marks})` : ''}) as versions
       from (select d.stack_id, min(d.period_start) as first_seen, max(d.period_start) as last_seen
             from deployment_periods d where ${where}
             group by d.stack_id order by d.stack_id limit ? offset ?) p
       order by p.stack_id`,
    )
    .all(q.from, q.to, ...(q.versions ?? []), ...params, q.limit, q.offset);
  return {
    total: n,
    deployments: rows.map((r) => ({ stackId: r.stack_id, versions: JSON.parse(r.versions).sort(), firstSeen: r.first_seen, lastSeen: r.last_seen })),
  };
}

function cases({ yesterday, from, monthFrom, weekFrom, days, total }) {
  return [
    [`${days} days, first page of ${PAGE}`, { from, to: yesterday, limit: PAGE, offset: 0 }],
    [`${days} days, last page`, { from, to: yesterday, limit: PAGE, offset: Math.max(0, total - PAGE) }],
    [`${days} days, one version, first page`, { from, to: yesterday, versions: ['1.3.0'], limit: PAGE, offset: 0 }],
    ...(days > 30 ? [[`30 days, first page`, { from: monthFrom, to: yesterday, limit: PAGE, offset: 0 }]] : []),
    [`7 days from the range's 4th day (cuts into runs), first page`, { from: weekFrom, to: addDays(weekFrom, 6), limit: PAGE, offset: 0 }],
  ];
}

function addDays(day, n) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function printTable(title, rows, fmt) {
  console.log(title);
  console.log('| query | before ms | after ms | before / after | same answer |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  for (const r of rows) {
    console.log(`| ${r.label} | ${fmt(r.before, 1)} | ${fmt(r.after, 1)} | ${fmt(r.before / r.after, 0)}x | ${r.same ? 'yes' : 'MISMATCH'} |`);
    if (!r.same) process.exitCode = 1;
  }
}

/** PostgreSQL: the fleet database of section 2, whose day `yesterday` holds FLEET real per-deployment rows. */
export async function benchDeploymentsPostgres({ client, storage, yesterday, days, missingPercent, fleet, fmt }) {
  const from = addDays(yesterday, -(days - 1));
  let t = performance.now();
  // Per-day rows for the days before the real one (which stays as ingested).
  await client.query(
    `insert into deployment_periods
     select 'day', d.period_start - n, d.stack_id,
            case when n >= 20 + (hashtext(d.stack_id::text) & 2147483647) % greatest($2::integer, 1) then array['1.2.0'] else d.versions end
     from deployment_periods d cross join generate_series(1, $1::integer - 1) n
     where d.period = 'day' and (hashtext(d.stack_id::text || '/' || n) & 2147483647) % 100 >= $3::integer`,
    [days, days, missingPercent],
  );
  const seedSeconds = (performance.now() - t) / 1000;
  // The runs, rebuilt by the backfill of migration 4 (what upgrading a store with this history costs).
  t = performance.now();
  await client.query('delete from deployment_runs');
  await client.query(runsBackfill(POSTGRES_MIGRATIONS));
  const backfillSeconds = (performance.now() - t) / 1000;
  await client.query('vacuum analyze deployment_periods');
  await client.query('vacuum analyze deployment_runs');
  const sizes = (
    await client.query(`
      select (select count(*) from deployment_periods where period = 'day') as day_rows,
             (select count(*) from deployment_runs) as runs,
             pg_size_pretty(pg_total_relation_size('deployment_periods')) as day_size,
             pg_size_pretty(pg_total_relation_size('deployment_runs')) as runs_size`)
  ).rows[0];
  console.log(
    `\n## 3c. Deployments list on ${days} days × ${fleet.toLocaleString('en-US')} deployments, PostgreSQL (median of ${RUNS}; ${missingPercent} % of deployment-days without a report, one upgrade each)`,
  );
  console.log(
    `per-day rows: ${Number(sizes.day_rows).toLocaleString('en-US')} (${sizes.day_size}, seeded in ${fmt(seedSeconds)} s); runs: ${Number(sizes.runs).toLocaleString('en-US')} (${sizes.runs_size}; migration 4's backfill built them in ${fmt(backfillSeconds)} s)`,
  );

  const total = (await storage.deployments({ from, to: yesterday, limit: 1, offset: 0 })).total;
  const list = cases({ yesterday, from, monthFrom: addDays(yesterday, -29), weekFrom: addDays(from, 3), days, total });
  // Before: the old query with the old index (schema version 3), dropped again afterwards.
  await client.query('create index deployment_periods_by_stack on deployment_periods (period, stack_id, period_start)');
  await client.query('analyze deployment_periods');
  const rows = await timeLegacy(list, (q) => legacyPostgres(client, q));
  await client.query('drop index deployment_periods_by_stack');
  await timeStorage(rows, storage);
  printTable(`total for the whole range: ${total.toLocaleString('en-US')} deployments`, rows, fmt);
}

/** SQLite: a store of its own with the same shape of history, written directly (FLEET stacks × DAYS days). */
export async function benchDeploymentsSqlite({ yesterday, days, missingPercent, fleet, fmt }) {
  const dir = mkdtempSync(join(tmpdir(), 'lunadefend-bench-deployments-'));
  try {
    const path = join(dir, 'receiver.db');
    const storage = createSqliteStorage({ path });
    await storage.migrate();
    const db = new Database(path);
    try {
      const from = addDays(yesterday, -(days - 1));
      let t = performance.now();
      const versions = ['1.4.2', '1.4.1', '1.3.0', '1.5.0-rc.1'];
      db.exec('create temp table stacks (i integer primary key, stack_id text, version text, upgrade integer)');
      const addStack = db.prepare('insert into stacks values (?, lower(hex(randomblob(16))), ?, ?)');
      db.transaction(() => {
        for (let i = 0; i < fleet; i += 1) {
          const x = Math.random();
          const version = x < 0.6 ? versions[0] : x < 0.85 ? versions[1] : x < 0.95 ? versions[2] : versions[3];
          addStack.run(i, version, 20 + Math.floor(Math.random() * days));
        }
      })();
      // Stack ids as UUIDs (8-4-4-4-12), so ordering and sizes match the real table.
      db.exec(`update stacks set stack_id = substr(stack_id, 1, 8) || '-' || substr(stack_id, 9, 4) || '-' || substr(stack_id, 13, 4) || '-' ||
        substr(stack_id, 17, 4) || '-' || substr(stack_id, 21, 12)`);
      const insertDay = db.prepare(`
        insert into deployment_periods
        select 'day', ?, stack_id, json_array(case when ? >= upgrade then '1.2.0' else version end)
        from stacks where ((i * 2654435761 + ? * 40503) % 1000003) % 100 >= ?`);
      db.transaction(() => {
        for (let n = 0; n < days; n += 1) insertDay.run(addDays(yesterday, -n), n, n, n === 0 ? 0 : missingPercent);
      })();
      const seedSeconds = (performance.now() - t) / 1000;
      t = performance.now();
      db.exec(runsBackfill(SQLITE_MIGRATIONS));
      const backfillSeconds = (performance.now() - t) / 1000;
      db.exec('analyze');
      const counts = db.prepare("select (select count(*) from deployment_periods) as day_rows, (select count(*) from deployment_runs) as runs").get();
      console.log(
        `\n## 3d. Deployments list on ${days} days × ${fleet.toLocaleString('en-US')} deployments, SQLite (median of ${RUNS}; same shape of history)`,
      );
      console.log(
        `per-day rows: ${counts.day_rows.toLocaleString('en-US')} (written in ${fmt(seedSeconds)} s); runs: ${counts.runs.toLocaleString('en-US')} (migration 3's backfill built them in ${fmt(backfillSeconds)} s)`,
      );
      const total = (await storage.deployments({ from, to: yesterday, limit: 1, offset: 0 })).total;
      const list = cases({ yesterday, from, monthFrom: addDays(yesterday, -29), weekFrom: addDays(from, 3), days, total });
      db.exec('create index deployment_periods_by_stack on deployment_periods (period, stack_id, period_start); analyze');
      const rows = await timeLegacy(list, (q) => legacySqlite(db, q));
      db.exec('drop index deployment_periods_by_stack');
      await timeStorage(rows, storage);
      printTable(`total for the whole range: ${total.toLocaleString('en-US')} deployments`, rows, fmt);
    } finally {
      db.close();
      await storage.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
