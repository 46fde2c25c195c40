// Versioned schema of the PostgreSQL store. A released migration never changes. Ingest is one
// function call per batch of reports (one round trip, one transaction, one commit): it serialises
// the reports of one stack id (of one (stack id, window) before version 4) with an advisory lock, so
// the per-window bound holds across any number of replicas, and relies on the primary key of
// report_id for idempotency.

import { METRIC_CATALOG } from '@lunadefend/config';
import { metricColumns } from './columns.js';
import { INGEST_SECTIONS, ingestBatchFunctionSql } from './postgres-ingest.js';
import type { Migration } from './sqlite-migrations.js';

// Migrations 2 and 4 wrote the ingest function by hand, over the counters of schema version 1,
// before the generator (postgres-ingest.ts) existed. Their text is kept to the byte, composed of
// the sections they share with the generator and these parts of their own; the hash of every
// released migration is pinned in released-migrations.test.ts.
const RELEASED_LOCK_PER_WINDOW = `        for k in
          select distinct hashtextextended(x.stack_id::text || '/' || extract(epoch from x.window_start)::text, 0)
          from jsonb_to_recordset(p_reports) as x(stack_id uuid, window_start timestamptz) order by 1
        loop
          perform pg_advisory_xact_lock(k);
        end loop;
`;
const RELEASED_V1_RECORD = `
            tokenize_success bigint, tokenize_failure bigint, detokenize_success bigint,
            detokenize_failure bigint, create_grant_success bigint, create_grant_failure bigint)
`;
const RELEASED_V1_INSERT = `          insert into reports values (r.report_id, r.stack_id, r.version, r.window_start, r.window_end, r.day,
            r.received_at, r.flag_reason, r.tokenize_success, r.tokenize_failure, r.detokenize_success,
            r.detokenize_failure, r.create_grant_success, r.create_grant_failure);
`;
const RELEASED_V1_TOTALS = `        insert into version_totals as t
          select u.period, u.start, u.version, count(*) filter (where u.new_version), count(*),
                 sum(t2.tokenize_success), sum(t2.tokenize_failure), sum(t2.detokenize_success),
                 sum(t2.detokenize_failure), sum(t2.create_grant_success), sum(t2.create_grant_failure)
`;
const RELEASED_V1_UPSERT = `            tokenize_success = t.tokenize_success + excluded.tokenize_success,
            tokenize_failure = t.tokenize_failure + excluded.tokenize_failure,
            detokenize_success = t.detokenize_success + excluded.detokenize_success,
            detokenize_failure = t.detokenize_failure + excluded.detokenize_failure,
            create_grant_success = t.create_grant_success + excluded.create_grant_success,
            create_grant_failure = t.create_grant_failure + excluded.create_grant_failure;
`;

/** The body of migration 2's function (`withRuns` false) or of migration 4's (true), from `declare` to `$fn$;`. */
function releasedIngestFunction(withRuns: boolean): string {
  const s = INGEST_SECTIONS;
  return `${s.declare}${withRuns ? s.declareRuns : ''}      begin
${withRuns ? s.lockPerStack : RELEASED_LOCK_PER_WINDOW}
${s.reportsLoopHead}${RELEASED_V1_RECORD}${s.reportChecks}${RELEASED_V1_INSERT}${s.reportAccepted}
${s.periodLoop}${withRuns ? s.newRunDays : ''}        end loop;

${withRuns ? `${s.runsLoop}\n` : ''}${RELEASED_V1_TOTALS}${s.versionTotalsGroup}${RELEASED_V1_UPSERT}
${s.periodTotalsAndEnd}`;
}

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'reports, per-period deployments and totals, block list, ingest function',
    sql: `
      create table reports (
        report_id uuid primary key,
        stack_id uuid not null,
        version text not null,
        window_start timestamptz not null,
        window_end timestamptz not null,
        day date not null,
        received_at timestamptz not null,
        flag_reason text,
        tokenize_success bigint not null,
        tokenize_failure bigint not null,
        detokenize_success bigint not null,
        detokenize_failure bigint not null,
        create_grant_success bigint not null,
        create_grant_failure bigint not null
      );
      create index reports_stack_window on reports (stack_id, window_start);
      create index reports_day on reports (day);
      create index reports_flagged on reports (day) where flag_reason is not null;

      create table deployment_periods (
        period text not null,
        period_start date not null,
        stack_id uuid not null,
        versions text[] not null,
        primary key (period, period_start, stack_id)
      );

      create table version_totals (
        period text not null,
        period_start date not null,
        version text not null,
        deployments bigint not null,
        reports bigint not null,
        tokenize_success bigint not null,
        tokenize_failure bigint not null,
        detokenize_success bigint not null,
        detokenize_failure bigint not null,
        create_grant_success bigint not null,
        create_grant_failure bigint not null,
        primary key (period, period_start, version)
      );

      create table period_totals (
        period text not null,
        period_start date not null,
        active_deployments bigint not null,
        reports bigint not null,
        primary key (period, period_start)
      );

      create table blocked_stacks (
        stack_id uuid primary key,
        reason text not null,
        blocked_at timestamptz not null
      );

      -- Returns 'accepted', 'duplicate' or 'window-limit'. Counters: m[1..6] in catalog order.
      create function lunadefend_ingest(
        p_report_id uuid, p_stack_id uuid, p_version text,
        p_window_start timestamptz, p_window_end timestamptz, p_day date, p_week date,
        p_received_at timestamptz, p_flag_reason text, p_max_per_window integer, m bigint[]
      ) returns text language plpgsql as $fn$
      declare
        existing integer;
        period_row record;
        new_stack boolean;
        new_version boolean;
      begin
        -- Reports of one (stack id, window) are serialised, so the bound below is exact.
        perform pg_advisory_xact_lock(hashtextextended(p_stack_id::text || '/' || extract(epoch from p_window_start)::text, 0));
        if exists (select 1 from reports where report_id = p_report_id) then
          return 'duplicate';
        end if;
        select count(*) into existing from reports
          where stack_id = p_stack_id and window_start = p_window_start;
        if existing >= p_max_per_window then
          return 'window-limit';
        end if;
        insert into reports values (p_report_id, p_stack_id, p_version, p_window_start, p_window_end,
          p_day, p_received_at, p_flag_reason, m[1], m[2], m[3], m[4], m[5], m[6])
          on conflict (report_id) do nothing;
        if not found then
          return 'duplicate';
        end if;
        if p_flag_reason is not null then
          return 'accepted';
        end if;
        for period_row in select * from (values ('day', p_day), ('week', p_week)) as p(period, start) loop
          new_stack := false;
          new_version := false;
          insert into deployment_periods as d values (period_row.period, period_row.start, p_stack_id, array[p_version])
            on conflict (period, period_start, stack_id) do update
              set versions = (select array_agg(v order by v) from unnest(d.versions || p_version) v)
              where not (p_version = any (d.versions))
            returning (xmax = 0), true into new_stack, new_version;
          new_stack := coalesce(new_stack, false);
          new_version := coalesce(new_version, false);
          insert into version_totals as t values (period_row.period, period_row.start, p_version,
              case when new_version then 1 else 0 end, 1, m[1], m[2], m[3], m[4], m[5], m[6])
            on conflict (period, period_start, version) do update set
              deployments = t.deployments + excluded.deployments,
              reports = t.reports + 1,
              tokenize_success = t.tokenize_success + excluded.tokenize_success,
              tokenize_failure = t.tokenize_failure + excluded.tokenize_failure,
              detokenize_success = t.detokenize_success + excluded.detokenize_success,
              detokenize_failure = t.detokenize_failure + excluded.detokenize_failure,
              create_grant_success = t.create_grant_success + excluded.create_grant_success,
              create_grant_failure = t.create_grant_failure + excluded.create_grant_failure;
          insert into period_totals as t values (period_row.period, period_row.start,
              case when new_stack then 1 else 0 end, 1)
            on conflict (period, period_start) do update set
              active_deployments = t.active_deployments + excluded.active_deployments,
              reports = t.reports + 1;
        end loop;
        return 'accepted';
      end
      $fn$;
    `,
  },
  {
    version: 2,
    name: 'batched ingest function',
    sql: `
      -- Ingests a batch (a JSON array of reports with day, week, received_at, flag_reason and the
      -- counter columns) in one transaction and returns each report's outcome. Locks are taken in
      -- one global order (advisory keys sorted, then deployment rows, version totals and period
      -- totals, each sorted), so concurrent batches on any number of replicas cannot deadlock.
      create function lunadefend_ingest_batch(p_reports jsonb, p_max_per_window integer)
      returns table (report_id uuid, outcome text) language plpgsql as $fn$
${releasedIngestFunction(false)}      drop function lunadefend_ingest(uuid, uuid, text, timestamptz, timestamptz, date, date, timestamptz, text, integer, bigint[]);
    `,
  },
  {
    version: 3,
    name: 'deployments listed in stack id order',
    // The deployments page reads stacks in order and stops after `limit`: measured on 30 days of
    // 100k deployments, 790 ms without this index and 2.5 ms with it.
    sql: 'create index deployment_periods_by_stack on deployment_periods (period, stack_id, period_start)',
  },
  {
    version: 4,
    name: 'deployment runs: the deployments list without per-day rows',
    sql: `
      -- One row per stack id, version and run of consecutive UTC days on which the stack reported
      -- that version (counted reports only). Every day of a run is a day with such a report, so for
      -- any range the first and last day seen, the versions and the distinct count are exact, and a
      -- deployment reporting daily is one row however long the range.
      create table deployment_runs (
        stack_id uuid not null,
        version text not null,
        first_day date not null,
        last_day date not null,
        primary key (stack_id, version, first_day)
      );
      create index deployment_runs_by_last_day on deployment_runs (last_day, first_day) include (stack_id, version);

      -- Backfill from the per-day rows (gaps and islands: consecutive days share day - rank).
      insert into deployment_runs
      select stack_id, version, min(day), max(day) from (
        select d.stack_id, v as version, d.period_start as day,
               d.period_start - (row_number() over (partition by d.stack_id, v order by d.period_start))::integer as island
        from deployment_periods d cross join lateral unnest(d.versions) v
        where d.period = 'day') s
      group by stack_id, version, island;

      -- The deployments list no longer reads per-day rows in stack id order.
      drop index deployment_periods_by_stack;

      -- The batched ingest of version 2, now also maintaining deployment_runs, and locking per
      -- stack id instead of per (stack id, window).
      create or replace function lunadefend_ingest_batch(p_reports jsonb, p_max_per_window integer)
      returns table (report_id uuid, outcome text) language plpgsql as $fn$
${releasedIngestFunction(true)}    `,
  },
  {
    version: 5,
    name: 'ingest function generated from the catalog: explicit column lists, unknown counters stay null',
    // Migration 4's function, generated over the counters of schema version 1 (postgres-ingest.ts);
    // each later schema version re-creates it through postgresMetricMigration().
    sql: ingestBatchFunctionSql(metricColumns(METRIC_CATALOG).filter((c) => c.since <= 1)),
  },
  {
    version: 6,
    name: 'transparency log: leaf hashes in acceptance order, appended with the reports',
    sql: `
      -- The append-only log of accepted reports: hashes only, never deleted by retention.
      create table log_leaves (
        leaf_index bigint primary key,
        leaf_hash bytea not null
      );
      create index log_leaves_by_hash on log_leaves (leaf_hash);
      -- The log's size, one row: its row lock orders appends across every replica and is held
      -- to commit, so committed leaves are always a gap-free prefix in commit order.
      create table log_head (
        only_row boolean primary key default true check (only_row),
        size bigint not null
      );
      insert into log_head values (true, 0);
      -- Where a stored report sits in the log, to answer a duplicate with its receipt.
      alter table reports add column log_index bigint;

      -- lunadefend_ingest_batch, then the accepted reports' leaves appended in the same
      -- transaction (the head row is locked last, after the per-stack locks: one lock order).
      -- Each report's answer carries the leaf of its stored copy, for duplicates too.
      create function lunadefend_ingest_logged(p_reports jsonb, p_max_per_window integer)
      returns table (report_id uuid, outcome text, leaf_index bigint, leaf_hash bytea) language plpgsql as $fn$
      declare
        ids uuid[];
        outcomes text[];
        acc_ids uuid[];
        acc_hashes bytea[];
        n integer;
        first_index bigint;
      begin
        select array_agg(b.report_id order by b.ord), array_agg(b.outcome order by b.ord) into ids, outcomes
          from lunadefend_ingest_batch(p_reports, p_max_per_window) with ordinality as b(report_id, outcome, ord);
        select array_agg((e.doc->>'report_id')::uuid order by e.ord), array_agg(decode(e.doc->>'leaf_hash', 'hex') order by e.ord)
          into acc_ids, acc_hashes
          from jsonb_array_elements(p_reports) with ordinality as e(doc, ord)
          where outcomes[e.ord] = 'accepted' and e.doc->>'leaf_hash' is not null;
        n := coalesce(array_length(acc_ids, 1), 0);
        if n > 0 then
          update log_head h set size = h.size + n returning h.size - n into first_index;
          insert into log_leaves select first_index + u.i - 1, u.h from unnest(acc_hashes) with ordinality as u(h, i);
          update reports t set log_index = first_index + u.i - 1
            from unnest(acc_ids) with ordinality as u(id, i) where t.report_id = u.id;
        end if;
        return query
          select u.id, u.oc, l.leaf_index, l.leaf_hash
          from unnest(ids, outcomes) with ordinality as u(id, oc, ord)
          left join reports t on t.report_id = u.id and u.oc <> 'window-limit'
          left join log_leaves l on l.leaf_index = t.log_index
          order by u.ord;
      end
      $fn$;
    `,
  },
];
