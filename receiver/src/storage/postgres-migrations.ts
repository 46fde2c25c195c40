// Versioned schema of the PostgreSQL store. A released migration never changes. Ingest is one
// function call (one round trip): it serialises the reports of one (stack id, window) with an
// advisory lock, so the per-window bound holds across any number of replicas, and relies on the
// primary key of report_id for idempotency.

import type { Migration } from './sqlite-migrations.js';

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
];
