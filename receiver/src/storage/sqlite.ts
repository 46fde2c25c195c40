// The SQLite store: one file, zero set-up, for a single receiver process. Reports are written in
// IMMEDIATE transactions with synchronous=FULL, so a 202 means the report is on disk; reports that
// arrive while a transaction commits are grouped into the next one (see insert-batcher.ts).

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { parseUtcTimestamp, type MetricCatalog, type Receipt, type VersionedReport } from '@lunadefend/config';
import { withStats } from '../stats/period-stats.js';
import { addKnownSql, metricColumns, metricValues } from './columns.js';
import { addDays, isoWeekStart, utcDay } from './days.js';
import { createInsertBatcher } from './insert-batcher.js';
import { SQLITE_MIGRATIONS, type Migration } from './sqlite-migrations.js';
import { blockedStack, contribution, deploymentSummary, flaggedReport, periodCount, versionTotalsRow, type Row } from './rows.js';
import type { InsertOptions, InsertOutcome, Period, Storage } from './storage.js';

export interface SqliteStorageOptions {
  /** Database file; created with its directory when missing. ':memory:' for throw-away stores. */
  readonly path: string;
  /** The catalog whose counters are stored (default: this build's); its columns must exist after `migrations`. */
  readonly catalog?: MetricCatalog;
  /** The migration list (default: SQLITE_MIGRATIONS); a catalog with a later schema version adds its metric migration. */
  readonly migrations?: readonly Migration[];
}

export function createSqliteStorage(options: SqliteStorageOptions): Storage {
  const columns = metricColumns(options.catalog);
  const metricNames = columns.map((c) => c.column).join(', ');
  const migrations = options.migrations ?? SQLITE_MIGRATIONS;
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec('create table if not exists schema_migrations (version integer primary key, name text not null, applied_at text not null)');
  let closed = false;

  const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');
  const inList = (values: readonly string[] | undefined): values is readonly string[] =>
    values !== undefined && values.length > 0;

  // Statements are prepared lazily (they need the migrated schema), each once.
  const cache = new Map<string, Database.Statement>();
  const stmt = (sql: string): Database.Statement => cache.get(sql) ?? cache.set(sql, db.prepare(sql)).get(sql)!;

  // A day newly seen for (stack, version) joins the runs ending the day before and starting the
  // day after, or starts a run of its own (see deployment_runs in sqlite-migrations.ts).
  const extendRun = (stackId: string, version: string, day: string): void => {
    const next = stmt('delete from deployment_runs where stack_id = ? and version = ? and first_day = ? returning last_day').get(
      stackId,
      version,
      addDays(day, 1),
    ) as { last_day: string } | undefined;
    const lastDay = next?.last_day ?? day;
    const joined = stmt('update deployment_runs set last_day = ? where stack_id = ? and version = ? and last_day = ?').run(
      lastDay,
      stackId,
      version,
      addDays(day, -1),
    ).changes;
    if (joined === 0) stmt('insert into deployment_runs values (?, ?, ?, ?)').run(stackId, version, day, lastDay);
  };

  const countPeriod = (period: Period, start: string, report: VersionedReport): void => {
    const existing = stmt('select versions from deployment_periods where period = ? and period_start = ? and stack_id = ?').get(
      period,
      start,
      report.stack_id,
    ) as { versions: string } | undefined;
    let newStack = false;
    let newVersion = false;
    if (existing === undefined) {
      newStack = true;
      newVersion = true;
      stmt('insert into deployment_periods values (?, ?, ?, ?)').run(period, start, report.stack_id, JSON.stringify([report.version]));
    } else {
      const versions = JSON.parse(existing.versions) as string[];
      if (!versions.includes(report.version)) {
        newVersion = true;
        stmt('update deployment_periods set versions = ? where period = ? and period_start = ? and stack_id = ?').run(
          JSON.stringify([...versions, report.version].sort()),
          period,
          start,
          report.stack_id,
        );
      }
    }
    if (newVersion && period === 'day') extendRun(report.stack_id, report.version, start);
    stmt(
      `insert into version_totals as t (period, period_start, version, deployments, reports, ${metricNames})
       values (?, ?, ?, ?, 1, ${placeholders(columns.length)})
       on conflict (period, period_start, version) do update set
         deployments = t.deployments + excluded.deployments, reports = t.reports + 1,
         ${columns.map((c) => addKnownSql('t', c.column)).join(', ')}`,
    ).run(period, start, report.version, newVersion ? 1 : 0, ...metricValues(columns, report.metrics));
    stmt(
      `insert into period_totals values (?, ?, ?, 1) on conflict (period, period_start) do update set
         active_deployments = active_deployments + excluded.active_deployments, reports = reports + 1`,
    ).run(period, start, newStack ? 1 : 0);
  };

  const receiptAt = (logIndex: unknown): { receipt: Receipt } | Record<string, never> => {
    if (typeof logIndex !== 'number') return {};
    const leaf = stmt('select leaf_hash from log_leaves where leaf_index = ?').get(logIndex) as { leaf_hash: Buffer } | undefined;
    return leaf === undefined ? {} : { receipt: { leafIndex: logIndex, leafHash: leaf.leaf_hash } };
  };

  const insertOne = (report: VersionedReport, options: InsertOptions): InsertOutcome => {
    const stored = stmt('select log_index from reports where report_id = ?').get(report.report_id) as Row | undefined;
    if (stored !== undefined) return { status: 'duplicate', ...receiptAt(stored.log_index) };
    const startMs = parseUtcTimestamp(report.window.start)!;
    const endMs = parseUtcTimestamp(report.window.end)!;
    const { n } = stmt('select count(*) as n from reports where stack_id = ? and window_start_ms = ?').get(
      report.stack_id,
      startMs,
    ) as { n: number };
    if (n >= options.maxReportsPerWindow) return { status: 'window-limit' };
    const day = utcDay(startMs);
    // The transaction is IMMEDIATE: no other writer can take the same index.
    let logIndex: number | null = null;
    if (options.leafHash !== undefined) {
      logIndex = (stmt('select coalesce(max(leaf_index) + 1, 0) as n from log_leaves').get() as { n: number }).n;
      stmt('insert into log_leaves values (?, ?)').run(logIndex, options.leafHash);
    }
    stmt(
      `insert into reports (report_id, stack_id, version, window_start_ms, window_end_ms, day, received_at_ms, flag_reason, log_index, ${metricNames})
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ${placeholders(columns.length)})`,
    ).run(
      report.report_id,
      report.stack_id,
      report.version,
      startMs,
      endMs,
      day,
      options.receivedAt.getTime(),
      options.flagReason ?? null,
      logIndex,
      ...metricValues(columns, report.metrics),
    );
    if (options.flagReason === undefined) {
      countPeriod('day', day, report);
      countPeriod('week', isoWeekStart(startMs), report);
    }
    return { status: 'accepted', ...receiptAt(logIndex) };
  };
  const insertMany = db.transaction((items: readonly { report: VersionedReport; options: InsertOptions }[]) =>
    items.map(({ report, options }) => insertOne(report, options)),
  );
  const batcher = createInsertBatcher<{ report: VersionedReport; options: InsertOptions }, InsertOutcome>({
    write: async (items) => insertMany.immediate(items),
  });

  return withStats({
    kind: 'sqlite',

    async migrate() {
      const applied: number[] = [];
      const run = db.transaction(() => {
        const current = (db.prepare('select coalesce(max(version), 0) as v from schema_migrations').get() as { v: number }).v;
        for (const migration of migrations) {
          if (migration.version <= current) continue;
          db.exec(migration.sql);
          db.prepare('insert into schema_migrations values (?, ?, ?)').run(migration.version, migration.name, new Date().toISOString());
          applied.push(migration.version);
        }
      });
      run.immediate();
      return applied;
    },

    async schemaVersion() {
      return (db.prepare('select coalesce(max(version), 0) as v from schema_migrations').get() as { v: number }).v;
    },

    insertReport(report, options) {
      return batcher.submit({ report, options });
    },

    async periodVersionTotals(period: Period, range, versions) {
      const filter = inList(versions) ? `and version in (${placeholders(versions.length)})` : '';
      const rows = stmt(
        `select period_start, version, deployments, ${metricNames} from version_totals
         where period = ? and period_start between ? and ? ${filter} order by period_start, version`,
      ).all(period, range.from, range.to, ...(versions ?? [])) as Row[];
      return rows.map((r) => versionTotalsRow(r, columns));
    },

    async periodActiveDeployments(period: Period, range, versions) {
      const rows = inList(versions)
        ? (stmt(
            `select period_start, count(*) as n from deployment_periods d
             where period = ? and period_start between ? and ?
               and exists (select 1 from json_each(d.versions) j where j.value in (${placeholders(versions.length)}))
             group by period_start`,
          ).all(period, range.from, range.to, ...versions) as Row[])
        : (stmt('select period_start, active_deployments as n from period_totals where period = ? and period_start between ? and ?').all(
            period,
            range.from,
            range.to,
          ) as Row[]);
      return rows.map(periodCount);
    },

    async deployments(query) {
      // Runs overlapping the range: every day of a run is a day seen, so clipping the runs to the
      // range gives the exact first and last day seen in it.
      // The page's stacks are found first, then only their runs are aggregated.
      const versions = query.versions;
      const where = (r: string): string =>
        `${r}.first_day <= ? and ${r}.last_day >= ? ${inList(versions) ? `and ${r}.version in (${placeholders(versions.length)})` : ''}`;
      const params = [query.to, query.from, ...(versions ?? [])];
      const { n } = stmt(`select count(distinct d.stack_id) as n from deployment_runs d where ${where('d')}`).get(...params) as { n: number };
      const rows = stmt(
        `with page as (
           select d.stack_id from deployment_runs d where ${where('d')}
           group by d.stack_id order by d.stack_id limit ? offset ?)
         select r.stack_id, max(min(r.first_day), ?) as first_seen, min(max(r.last_day), ?) as last_seen,
           json_group_array(distinct r.version) as versions
         from page p join deployment_runs r on r.stack_id = p.stack_id
         where ${where('r')}
         group by r.stack_id order by r.stack_id`,
      ).all(...params, query.limit, query.offset, query.from, query.to, ...params) as Row[];
      return {
        total: n,
        deployments: rows.map(deploymentSummary),
      };
    },

    async versions(query) {
      const rows = stmt(
        `select distinct version from version_totals where period = 'day' and period_start between ? and ? order by version`,
      ).all(query.from, query.to) as Row[];
      return rows.map((r) => String(r.version));
    },

    async flaggedReports(query) {
      const rows = stmt(
        `select report_id, stack_id, version, day, flag_reason, received_at_ms as received_at from reports
         where flag_reason is not null and day between ? and ? order by day, report_id limit ? offset ?`,
      ).all(query.from, query.to, query.limit, query.offset) as Row[];
      return rows.map(flaggedReport);
    },

    async publicContributions(query) {
      const receivedFrom = Date.parse(`${query.receivedFrom}T00:00:00Z`);
      const receivedBefore = Date.parse(`${query.receivedBefore}T00:00:00Z`);
      const rows = stmt(
        `with qualified as (
           select stack_id from reports
           where flag_reason is null and received_at_ms >= ? and received_at_ms < ?
           group by stack_id having count(distinct received_at_ms / 86400000) >= ?)
         select r.stack_id, r.day, r.version, ${columns.map(({ column: c }) => `sum(r.${c}) as ${c}`).join(', ')}
         from reports r join qualified q on q.stack_id = r.stack_id
         where r.flag_reason is null and r.day between ? and ?
         group by r.stack_id, r.day, r.version order by r.stack_id, r.day, r.version`,
      ).all(receivedFrom, receivedBefore, query.minReceiptDays, query.from, query.to) as Row[];
      return rows.map((r) => contribution(r, columns));
    },

    async blockStack(stackId, reason, at) {
      stmt('insert into blocked_stacks values (?, ?, ?) on conflict (stack_id) do update set reason = excluded.reason').run(
        stackId,
        reason,
        at.getTime(),
      );
    },

    async unblockStack(stackId) {
      return stmt('delete from blocked_stacks where stack_id = ?').run(stackId).changes > 0;
    },

    async blockedStacks() {
      const rows = stmt('select stack_id, reason, blocked_at_ms as blocked_at from blocked_stacks order by stack_id').all() as Row[];
      return rows.map(blockedStack);
    },

    async logLeaves(fromIndex, limit) {
      const rows = stmt('select leaf_hash from log_leaves where leaf_index >= ? order by leaf_index limit ?').all(fromIndex, limit) as Row[];
      return rows.map((r) => r.leaf_hash as Buffer);
    },

    async logLeafIndex(leafHash) {
      const row = stmt('select min(leaf_index) as i from log_leaves where leaf_hash = ?').get(leafHash) as Row;
      return typeof row.i === 'number' ? row.i : undefined;
    },

    async deleteBefore(beforeDay) {
      const run = db.transaction(() => {
        const reports = stmt('delete from reports where day < ?').run(beforeDay).changes;
        // A week row goes only once all of its seven days are past the cut-off.
        const deploymentRows =
          stmt("delete from deployment_periods where period = 'day' and period_start < ?").run(beforeDay).changes +
          stmt("delete from deployment_periods where period = 'week' and date(period_start, '+7 days') <= ?").run(beforeDay)
            .changes;
        // Runs keep only their days from the cut-off on (a run's days are all seen, so the cut-off
        // day itself is one of them).
        stmt('delete from deployment_runs where last_day < ?').run(beforeDay);
        stmt('update deployment_runs set first_day = ? where first_day < ?').run(beforeDay, beforeDay);
        return { reports, deploymentRows };
      });
      return run.immediate();
    },

    async ping() {
      db.prepare('select 1').get();
    },

    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  });
}
