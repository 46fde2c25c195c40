// The PostgreSQL store for production: any number of stateless receiver replicas share one
// database. Ingest is one call of the lunadefend_ingest_batch() function (one round trip, one
// transaction); report_id is the primary key, so a report is stored once however many replicas
// receive it at the same moment.

import pg from 'pg';
import { parseUtcTimestamp, type MetricCatalog } from '@lunadefend/config';
import { withStats } from '../stats/period-stats.js';
import { metricColumns } from './columns.js';
import { isoWeekStart, utcDay } from './days.js';
import { createInsertBatcher } from './insert-batcher.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import type { Migration } from './sqlite-migrations.js';
import { blockedStack, contribution, deploymentSummary, flaggedReport, periodCount, versionTotalsRow, type Row } from './rows.js';
import type { InsertOutcome, Period, Storage } from './storage.js';

export interface PostgresStorageOptions {
  /** `postgres://` or `postgresql://` URL. */
  readonly url: string;
  /** Connections in the pool (default 10). */
  readonly poolSize?: number;
  /** Give up connecting after this long (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** Ingest batches written at the same time (default: half the pool, at least 1). */
  readonly ingestConcurrency?: number;
  /** The catalog whose counters are stored (default: this build's); its columns must exist after `migrations`. */
  readonly catalog?: MetricCatalog;
  /** The migration list (default: POSTGRES_MIGRATIONS); a catalog with a later schema version adds its metric migration. */
  readonly migrations?: readonly Migration[];
}

// Any constant shared by every replica: migrations run one at a time across all of them.
const MIGRATION_LOCK_KEY = 7_412_001;
const DAY = (column: string): string => `to_char(${column}, 'YYYY-MM-DD')`;

export function createPostgresStorage(options: PostgresStorageOptions): Storage {
  const columns = metricColumns(options.catalog);
  const metricNames = columns.map((c) => c.column).join(', ');
  const migrations = options.migrations ?? POSTGRES_MIGRATIONS;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  let closed: Promise<void> | undefined;

  const batcher = createInsertBatcher<{ row: Record<string, unknown>; maxPerWindow: number }, InsertOutcome>({
    maxInFlight: options.ingestConcurrency ?? Math.max(1, Math.floor((options.poolSize ?? 10) / 2)),
    async write(items) {
      // The bound is a per-call argument; batches mixing bounds (never in one receiver) go one by one.
      const maxPerWindow = items[0]!.maxPerWindow;
      if (items.some((i) => i.maxPerWindow !== maxPerWindow)) throw new Error('mixed per-window bounds in one batch');
      // Batches without any leaf hash (stores seeded directly, never the ingest route) skip the log.
      const ingest = items.some((i) => i.row.leaf_hash !== null) ? 'lunadefend_ingest_logged' : 'lunadefend_ingest_batch';
      const rows = (
        await pool.query(
          ingest === 'lunadefend_ingest_logged'
            ? 'select report_id::text as report_id, outcome, leaf_index, leaf_hash from lunadefend_ingest_logged($1::jsonb, $2)'
            : 'select report_id::text as report_id, outcome, null as leaf_index, null as leaf_hash from lunadefend_ingest_batch($1::jsonb, $2)',
          [JSON.stringify(items.map((i) => i.row)), maxPerWindow],
        )
      ).rows as { report_id: string; outcome: string; leaf_index: string | null; leaf_hash: Buffer | null }[];
      return items.map((item, i): InsertOutcome => {
        const row = rows[i];
        if (row === undefined || row.report_id !== item.row.report_id) throw new Error('lunadefend_ingest_logged answered out of order');
        const receipt = row.leaf_index === null || row.leaf_hash === null ? {} : { receipt: { leafIndex: Number(row.leaf_index), leafHash: row.leaf_hash } };
        if (row.outcome === 'accepted' || row.outcome === 'duplicate') return { status: row.outcome, ...receipt };
        if (row.outcome === 'window-limit') return { status: row.outcome };
        throw new Error(`lunadefend_ingest_logged returned an unknown outcome: ${String(row.outcome)}`);
      });
    },
  });

  const query = async (sql: string, params: unknown[] = []): Promise<Row[]> => (await pool.query(sql, params)).rows as Row[];
  const hasVersions = (versions: readonly string[] | undefined): versions is readonly string[] =>
    versions !== undefined && versions.length > 0;

  // One transaction on one pooled client: committed when `work` resolves, rolled back when it throws.
  const transaction = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  return withStats({
    kind: 'postgres',

    migrate() {
      return transaction(async (client) => {
        await client.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
        await client.query(
          'create table if not exists schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null)',
        );
        const current = Number((await client.query('select coalesce(max(version), 0) as v from schema_migrations')).rows[0]?.v ?? 0);
        const applied: number[] = [];
        for (const migration of migrations) {
          if (migration.version <= current) continue;
          await client.query(migration.sql);
          await client.query('insert into schema_migrations values ($1, $2, now())', [migration.version, migration.name]);
          applied.push(migration.version);
        }
        return applied;
      });
    },

    async schemaVersion() {
      const exists = await query("select to_regclass('schema_migrations') is not null as present");
      if (exists[0]?.present !== true) return 0;
      return Number((await query('select coalesce(max(version), 0) as v from schema_migrations'))[0]?.v ?? 0);
    },

    insertReport(report, options): Promise<InsertOutcome> {
      const startMs = parseUtcTimestamp(report.window.start)!;
      const row: Record<string, unknown> = {
        report_id: report.report_id,
        stack_id: report.stack_id,
        version: report.version,
        window_start: report.window.start,
        window_end: report.window.end,
        day: utcDay(startMs),
        week: isoWeekStart(startMs),
        received_at: options.receivedAt.toISOString(),
        flag_reason: options.flagReason ?? null,
        leaf_hash: options.leafHash?.toString('hex') ?? null,
      };
      // A counter the report's version does not carry is left out: the ingest function stores null.
      for (const { key, column } of columns) if (report.metrics[key] !== undefined) row[column] = report.metrics[key];
      return batcher.submit({ row, maxPerWindow: options.maxReportsPerWindow });
    },

    async periodVersionTotals(period: Period, range, versions) {
      const filtered = hasVersions(versions);
      const rows = await query(
        `select ${DAY('period_start')} as period_start, version, deployments, ${metricNames} from version_totals
         where period = $1 and period_start between $2 and $3 ${filtered ? 'and version = any($4)' : ''}
         order by period_start, version`,
        filtered ? [period, range.from, range.to, versions] : [period, range.from, range.to],
      );
      return rows.map((r) => versionTotalsRow(r, columns));
    },

    async periodActiveDeployments(period: Period, range, versions) {
      const rows = hasVersions(versions)
        ? await query(
            `select ${DAY('period_start')} as period_start, count(*) as n from deployment_periods
             where period = $1 and period_start between $2 and $3 and versions && $4::text[] group by period_start`,
            [period, range.from, range.to, versions],
          )
        : await query(
            `select ${DAY('period_start')} as period_start, active_deployments as n from period_totals
             where period = $1 and period_start between $2 and $3`,
            [period, range.from, range.to],
          );
      return rows.map(periodCount);
    },

    async deployments(q) {
      // Runs overlapping the range: every day of a run is a day seen, so clipping the runs to the
      // range gives the exact first and last day seen in it. The page's stacks are found first (in
      // primary-key order, or hashed for a deep offset), then only their runs are aggregated.
      const filtered = hasVersions(q.versions);
      const where = (r: string): string =>
        `${r}.first_day <= $2 and ${r}.last_day >= $1 ${filtered ? `and ${r}.version = any($3)` : ''}`;
      const params: unknown[] = filtered ? [q.from, q.to, q.versions] : [q.from, q.to];
      const [count, rows] = await Promise.all([
        // A hashed group-by: count(distinct) would sort every run of the range.
        query(`select count(*) as n from (select d.stack_id from deployment_runs d where ${where('d')} group by d.stack_id) s`, params),
        query(
          `with page as (
             select d.stack_id from deployment_runs d where ${where('d')}
             group by d.stack_id order by d.stack_id limit $${params.length + 1} offset $${params.length + 2})
           select r.stack_id::text as stack_id, ${DAY('greatest(min(r.first_day), $1::date)')} as first_seen,
             ${DAY('least(max(r.last_day), $2::date)')} as last_seen, array_agg(distinct r.version) as versions
           from page p join deployment_runs r on r.stack_id = p.stack_id
           where ${where('r')}
           group by r.stack_id order by r.stack_id`,
          [...params, q.limit, q.offset],
        ),
      ]);
      return {
        total: Number(count[0]?.n ?? 0),
        deployments: rows.map(deploymentSummary),
      };
    },

    async versions(q) {
      const rows = await query(
        `select distinct version from version_totals where period = 'day' and period_start between $1 and $2 order by version`,
        [q.from, q.to],
      );
      return rows.map((r) => String(r.version)).sort();
    },

    async publicContributions(q) {
      const rows = await query(
        `with qualified as (
           select stack_id from reports
           where flag_reason is null and received_at >= $1::timestamptz and received_at < $2::timestamptz
           group by stack_id having count(distinct (received_at at time zone 'UTC')::date) >= $3)
         select r.stack_id::text as stack_id, ${DAY('r.day')} as day, r.version,
           ${columns.map(({ column: c }) => `sum(r.${c}) as ${c}`).join(', ')}
         from reports r join qualified q on q.stack_id = r.stack_id
         where r.flag_reason is null and r.day between $4 and $5
         group by r.stack_id, r.day, r.version order by r.stack_id, r.day, r.version`,
        [`${q.receivedFrom}T00:00:00Z`, `${q.receivedBefore}T00:00:00Z`, q.minReceiptDays, q.from, q.to],
      );
      return rows.map((r) => contribution(r, columns));
    },

    async flaggedReports(q) {
      const rows = await query(
        `select report_id::text as report_id, stack_id::text as stack_id, version, ${DAY('day')} as day, flag_reason, received_at
         from reports where flag_reason is not null and day between $1 and $2 order by day, report_id limit $3 offset $4`,
        [q.from, q.to, q.limit, q.offset],
      );
      return rows.map(flaggedReport);
    },

    async blockStack(stackId, reason, at) {
      await query('insert into blocked_stacks values ($1, $2, $3) on conflict (stack_id) do update set reason = excluded.reason', [
        stackId,
        reason,
        at.toISOString(),
      ]);
    },

    async unblockStack(stackId) {
      return ((await pool.query('delete from blocked_stacks where stack_id = $1', [stackId])).rowCount ?? 0) > 0;
    },

    async blockedStacks() {
      const rows = await query('select stack_id::text as stack_id, reason, blocked_at from blocked_stacks order by stack_id');
      return rows.map(blockedStack);
    },

    async logLeaves(fromIndex, limit) {
      const rows = await query('select leaf_hash from log_leaves where leaf_index >= $1 order by leaf_index limit $2', [fromIndex, limit]);
      return rows.map((r) => r.leaf_hash as Buffer);
    },

    async logLeafIndex(leafHash) {
      const rows = await query('select min(leaf_index) as i from log_leaves where leaf_hash = $1', [leafHash]);
      return rows[0]?.i === null || rows[0]?.i === undefined ? undefined : Number(rows[0].i);
    },

    deleteBefore(beforeDay) {
      return transaction(async (client) => {
        const reports = (await client.query('delete from reports where day < $1', [beforeDay])).rowCount ?? 0;
        // A week row goes only once all of its seven days are past the cut-off.
        const days = (await client.query("delete from deployment_periods where period = 'day' and period_start < $1", [beforeDay])).rowCount;
        const weeks = (await client.query("delete from deployment_periods where period = 'week' and period_start + 7 <= $1::date", [beforeDay]))
          .rowCount;
        // Runs keep only their days from the cut-off on (a run's days are all seen, so the cut-off
        // day itself is one of them).
        await client.query('delete from deployment_runs where last_day < $1', [beforeDay]);
        await client.query('update deployment_runs set first_day = $1 where first_day < $1', [beforeDay]);
        return { reports, deploymentRows: (days ?? 0) + (weeks ?? 0) };
      });
    },

    async ping() {
      await pool.query('select 1');
    },

    close() {
      closed ??= pool.end();
      return closed;
    },
  });
}
