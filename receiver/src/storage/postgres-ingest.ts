// The PostgreSQL batched ingest function, generated from the counter columns of one schema
// version: a migration that adds a metric re-creates it with one more column, and nothing in it is
// written by hand. Semantics as in migration 4: one lock per stack id taken in sorted order, the
// per-window bound, idempotency by report_id, deployment rows and runs, then the totals. A counter
// a report does not carry (an older schema version) is stored null, and the totals add only known
// values (null + 5 = 5; null + null = null: unknown, never zero).

import { addKnownSql, type MetricColumn } from './columns.js';

/**
 * The ingest function's text in sections. The generator below joins them around the parts that
 * depend on the counter columns; migrations 2 and 4, written by hand before the generator existed,
 * are composed of the same sections around their own parts (postgres-migrations.ts). A section a
 * released migration uses must keep its text to the byte: released-migrations.test.ts pins the SQL
 * of every released migration by its hash.
 */
export const INGEST_SECTIONS = {
  /** Variables of every version. */
  declare: `      declare
        k bigint;
        r record;
        existing integer;
        new_stack boolean;
        new_version boolean;
        o_ids uuid[] := '{}';
        o_outcomes text[] := '{}';
        accepted uuid[] := '{}';
        a_period text[] := '{}';
        a_start date[] := '{}';
        a_version text[] := '{}';
        a_report uuid[] := '{}';
        a_new_stack boolean[] := '{}';
        a_new_version boolean[] := '{}';
`,
  /** Variables of the deployment runs (since migration 4). */
  declareRuns: `        n_stack uuid[] := '{}';
        n_version text[] := '{}';
        n_day date[] := '{}';
        next_last date;
`,
  /** One advisory lock per stack id, in sorted order (since migration 4). */
  lockPerStack: `        -- One lock per stack id (it also serialises each of its windows, for the bound below, and its runs).
        for k in
          select distinct hashtextextended(x.stack_id::text, 0)
          from jsonb_to_recordset(p_reports) as x(stack_id uuid) order by 1
        loop
          perform pg_advisory_xact_lock(k);
        end loop;
`,
  /** The loop over the batch: its record's fixed columns (the counter columns follow). */
  reportsLoopHead: `        for r in select * from jsonb_to_recordset(p_reports) as x(
            report_id uuid, stack_id uuid, version text, window_start timestamptz, window_end timestamptz,
            day date, received_at timestamptz, flag_reason text,`,
  /** Duplicate by report_id, then the per-window bound. */
  reportChecks: `        loop
          o_ids := o_ids || r.report_id;
          if exists (select 1 from reports t where t.report_id = r.report_id) then
            o_outcomes := o_outcomes || 'duplicate'::text;
            continue;
          end if;
          select count(*) into existing from reports t where t.stack_id = r.stack_id and t.window_start = r.window_start;
          if existing >= p_max_per_window then
            o_outcomes := o_outcomes || 'window-limit'::text;
            continue;
          end if;
`,
  /** After the insert: the outcome, and the accepted reports to count. */
  reportAccepted: `          o_outcomes := o_outcomes || 'accepted'::text;
          if r.flag_reason is null then
            accepted := accepted || r.report_id;
          end if;
        end loop;
`,
  /** Each accepted report's day and week row in deployment_periods (the loop stays open). */
  periodLoop: `        for r in
          select p.period, p.start, x.stack_id, x.version, x.report_id
          from (
            -- Copies of one report in a batch are counted once.
            select distinct on (y.report_id) y.*
            from jsonb_to_recordset(p_reports) as y(report_id uuid, stack_id uuid, version text, day date, week date)
          ) as x
          cross join lateral (values ('day', x.day), ('week', x.week)) as p(period, start)
          where x.report_id = any (accepted)
          order by p.period, p.start, x.stack_id, x.version
        loop
          new_stack := false;
          new_version := false;
          insert into deployment_periods as d values (r.period, r.start, r.stack_id, array[r.version])
            on conflict (period, period_start, stack_id) do update
              set versions = (select array_agg(v order by v) from unnest(d.versions || r.version) v)
              where not (r.version = any (d.versions))
            returning (xmax = 0), true into new_stack, new_version;
          a_period := a_period || r.period;
          a_start := a_start || r.start;
          a_version := a_version || r.version;
          a_report := a_report || r.report_id;
          a_new_stack := a_new_stack || coalesce(new_stack, false);
          a_new_version := a_new_version || coalesce(new_version, false);
`,
  /** Inside that loop: the (stack, version, day) triples new to deployment_runs. */
  newRunDays: `          if r.period = 'day' and coalesce(new_version, false) then
            n_stack := n_stack || r.stack_id;
            n_version := n_version || r.version;
            n_day := n_day || r.start;
          end if;
`,
  /** Those triples joined into deployment_runs. */
  runsLoop: `        -- A day newly seen for (stack, version) joins the runs ending the day before and starting
        -- the day after, or starts a run of its own. Rows in (stack, version, day) order, after
        -- every deployment_periods row and before the totals: the same global lock order.
        for r in
          select * from unnest(n_stack, n_version, n_day) as u(stack_id, version, day) order by 1, 2, 3
        loop
          delete from deployment_runs d
            where d.stack_id = r.stack_id and d.version = r.version and d.first_day = r.day + 1
            returning d.last_day into next_last;
          update deployment_runs d set last_day = coalesce(next_last, r.day)
            where d.stack_id = r.stack_id and d.version = r.version and d.last_day = r.day - 1;
          if not found then
            insert into deployment_runs values (r.stack_id, r.version, r.day, coalesce(next_last, r.day));
          end if;
        end loop;
`,
  /** The middle of the version_totals upsert, between its column lists. */
  versionTotalsGroup: `          from unnest(a_period, a_start, a_version, a_report, a_new_version) as u(period, start, version, report_id, new_version)
          join reports t2 on t2.report_id = u.report_id
          group by u.period, u.start, u.version
          order by u.period, u.start, u.version
          on conflict (period, period_start, version) do update set
            deployments = t.deployments + excluded.deployments,
            reports = t.reports + excluded.reports,
`,
  /** period_totals, the answer, and the end of the function. */
  periodTotalsAndEnd: `        insert into period_totals as t
          select u.period, u.start, count(*) filter (where u.new_stack), count(*)
          from unnest(a_period, a_start, a_new_stack) as u(period, start, new_stack)
          group by u.period, u.start
          order by u.period, u.start
          on conflict (period, period_start) do update set
            active_deployments = t.active_deployments + excluded.active_deployments,
            reports = t.reports + excluded.reports;

        return query select * from unnest(o_ids, o_outcomes);
      end
      $fn$;
`,
} as const;

/** `create or replace function lunadefend_ingest_batch(...)` over exactly these counter columns. */
export function ingestBatchFunctionSql(columns: readonly MetricColumn[]): string {
  const s = INGEST_SECTIONS;
  const names = columns.map((c) => c.column);
  const typed = names.map((n) => `${n} bigint`).join(', ');
  const fromRecord = names.map((n) => `r.${n}`).join(', ');
  const sums = names.map((n) => `sum(t2.${n})`).join(', ');
  const upsert = names.map((n) => addKnownSql('t', n)).join(',\n            ');
  return `
      create or replace function lunadefend_ingest_batch(p_reports jsonb, p_max_per_window integer)
      returns table (report_id uuid, outcome text) language plpgsql as $fn$
${s.declare}${s.declareRuns}      begin
${s.lockPerStack}
${s.reportsLoopHead} ${typed})
${s.reportChecks}          insert into reports (report_id, stack_id, version, window_start, window_end, day, received_at, flag_reason, ${names.join(', ')})
            values (r.report_id, r.stack_id, r.version, r.window_start, r.window_end, r.day, r.received_at, r.flag_reason, ${fromRecord});
${s.reportAccepted}
${s.periodLoop}${s.newRunDays}        end loop;

${s.runsLoop}
        -- sum() skips nulls and is null when every value is: a counter no report carried stays unknown.
        insert into version_totals as t (period, period_start, version, deployments, reports, ${names.join(', ')})
          select u.period, u.start, u.version, count(*) filter (where u.new_version), count(*), ${sums}
${s.versionTotalsGroup}            ${upsert};

${s.periodTotalsAndEnd}    `;
}
