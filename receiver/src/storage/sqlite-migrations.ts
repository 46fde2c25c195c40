// Versioned schema of the SQLite store. A released migration never changes; a new catalog counter
// or index is a new entry. Per-deployment rows and aggregate counters are maintained at ingest so
// that every statistic is read from small tables (see docs/benchmarks.md for the measurements).

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'reports, per-period deployments and totals, block list',
    sql: `
      create table reports (
        report_id text primary key,
        stack_id text not null,
        version text not null,
        window_start_ms integer not null,
        window_end_ms integer not null,
        day text not null,
        received_at_ms integer not null,
        flag_reason text,
        tokenize_success integer not null,
        tokenize_failure integer not null,
        detokenize_success integer not null,
        detokenize_failure integer not null,
        create_grant_success integer not null,
        create_grant_failure integer not null
      );
      create index reports_stack_window on reports (stack_id, window_start_ms);
      create index reports_day on reports (day);
      create index reports_flagged on reports (day) where flag_reason is not null;

      -- One row per deployment and period ('day' or 'week') with the versions it reported (a
      -- sorted JSON array): distinct-deployment counts without scanning raw reports.
      create table deployment_periods (
        period text not null,
        period_start text not null,
        stack_id text not null,
        versions text not null,
        primary key (period, period_start, stack_id)
      ) without rowid;

      create table version_totals (
        period text not null,
        period_start text not null,
        version text not null,
        deployments integer not null,
        reports integer not null,
        tokenize_success integer not null,
        tokenize_failure integer not null,
        detokenize_success integer not null,
        detokenize_failure integer not null,
        create_grant_success integer not null,
        create_grant_failure integer not null,
        primary key (period, period_start, version)
      ) without rowid;

      create table period_totals (
        period text not null,
        period_start text not null,
        active_deployments integer not null,
        reports integer not null,
        primary key (period, period_start)
      ) without rowid;

      create table blocked_stacks (
        stack_id text primary key,
        reason text not null,
        blocked_at_ms integer not null
      );
    `,
  },
  {
    version: 2,
    name: 'deployments listed in stack id order',
    sql: 'create index deployment_periods_by_stack on deployment_periods (period, stack_id, period_start)',
  },
  {
    version: 3,
    name: 'deployment runs: the deployments list without per-day rows',
    sql: `
      -- One row per stack id, version and run of consecutive UTC days on which the stack reported
      -- that version (counted reports only). Every day of a run is a day with such a report, so for
      -- any range the first and last day seen, the versions and the distinct count are exact, and a
      -- deployment reporting daily is one row however long the range (see deployment-runs in
      -- receiver/README.md).
      create table deployment_runs (
        stack_id text not null,
        version text not null,
        first_day text not null,
        last_day text not null,
        primary key (stack_id, version, first_day)
      ) without rowid;
      create index deployment_runs_by_last_day on deployment_runs (last_day, first_day, stack_id, version);

      -- Backfill from the per-day rows (gaps and islands: consecutive days share day - rank).
      insert into deployment_runs
      select stack_id, version, min(day), max(day) from (
        select d.stack_id, j.value as version, d.period_start as day,
               cast(julianday(d.period_start) as integer)
                 - row_number() over (partition by d.stack_id, j.value order by d.period_start) as island
        from deployment_periods d, json_each(d.versions) j
        where d.period = 'day')
      group by stack_id, version, island;

      -- The deployments list no longer reads per-day rows in stack id order.
      drop index deployment_periods_by_stack;
    `,
  },
  {
    version: 4,
    name: 'transparency log: leaf hashes in acceptance order',
    sql: `
      -- The append-only log of accepted reports: hashes only, never deleted by retention.
      create table log_leaves (
        leaf_index integer primary key,
        leaf_hash blob not null
      );
      create index log_leaves_by_hash on log_leaves (leaf_hash);
      -- Where a stored report sits in the log, to answer a duplicate with its receipt.
      alter table reports add column log_index integer;
    `,
  },
];
