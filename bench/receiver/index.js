// Receiver benchmark (`npm run bench -- receiver`; build first with `npx tsc -b receiver`).
//
// 1. Ingest throughput and latency, side by side: a bare express handler that parses and discards
//    the same JSON, the receiver on SQLite, the receiver on PostgreSQL (each server in its own
//    process, closed-loop load at fixed concurrency).
// 2. A simulated fleet of FLEET deployments (default 100,000), each sending its daily report at a
//    random (jittered) moment, open-loop, to the receiver on PostgreSQL; checks that the stats count
//    every deployment once, and derives the replicas needed for 10M deployments.
// 3. Stats query time on one year of data for the fleet: the fleet's real day of aggregates and
//    per-deployment rows is replicated across the year with generate_series, then the storage's
//    read methods are timed, next to the same daily statistics computed from raw reports.
//
// PostgreSQL: LUNADEFEND_BENCH_DATABASE_URL, else LUNADEFEND_TEST_DATABASE_URL (an admin URL; the
// bench creates and drops databases of its own).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { REPORT_KEYS, formatUtcTimestamp, zeroMetrics, DAY_MS } from '@lunadefend/config';
import { createPostgresStorage } from '@lunadefend/receiver';
import { createTestDatabase, listeningPort, spawnService } from '@lunadefend/testkit';
import { benchDeploymentsPostgres, benchDeploymentsSqlite, medianTime } from './deployments.js';

const SERVER = 'bench/receiver/server.js';
const ADMIN_URL = process.env.LUNADEFEND_BENCH_DATABASE_URL || process.env.LUNADEFEND_TEST_DATABASE_URL;
const FLEET = Number(process.env.FLEET ?? 100_000);
/** Days of per-deployment history for the deployments list (section 3c/3d). */
const DEPLOYMENT_DAYS = Number(process.env.BENCH_DEPLOYMENT_DAYS ?? 90);
/** Share of deployment-days without a report in that history, in percent. */
const MISSING_PERCENT = Number(process.env.BENCH_MISSING_DAYS_PERCENT ?? 5);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 4000);
const ROUNDS = 3;
const WARMUP_MS = 1500;
const CONCURRENCY = 32;
const VERSIONS = [['1.4.2', 0.6], ['1.4.1', 0.25], ['1.3.0', 0.1], ['1.5.0-rc.1', 0.05]];

if (!ADMIN_URL) {
  console.error('bench/receiver needs PostgreSQL: set LUNADEFEND_BENCH_DATABASE_URL (or LUNADEFEND_TEST_DATABASE_URL)');
  process.exit(1);
}

const dayStartMs = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const YESTERDAY_MS = dayStartMs - DAY_MS;

function pickVersion() {
  let x = Math.random();
  for (const [version, share] of VERSIONS) {
    if ((x -= share) < 0) return version;
  }
  return VERSIONS[0][0];
}

function reportBody(startMs = YESTERDAY_MS, stackId = randomUUID()) {
  const metrics = zeroMetrics();
  for (const key of REPORT_KEYS) metrics[key] = Math.floor(Math.random() * 50_000);
  return JSON.stringify({
    schema_version: 1,
    report_id: randomUUID(),
    version: pickVersion(),
    stack_id: stackId,
    window: { start: formatUtcTimestamp(startMs), end: formatUtcTimestamp(startMs + DAY_MS) },
    metrics,
  });
}

const createDatabase = () => createTestDatabase(ADMIN_URL, 'lunadefend_bench');

async function startServer(variant, target = '') {
  // The server's own warnings and errors reach this output, as before; its listening line does not.
  const onLine = (text, line) => line.msg !== 'listening' && console.error(`[${variant} server] ${text}`);
  const service = spawnService({ name: `${variant} server`, entry: SERVER, args: [variant, target], onLine });
  return { port: await listeningPort(service, 30_000), stop: () => service.stop('SIGTERM') };
}

/** Resolves with the status, or 'error' when the connection failed (e.g. a kept-alive socket the server had just closed). */
function post(agent, port, body) {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/v1/reports', method: 'POST', agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', () => resolve('error'));
    req.end(body);
  });
}

/** Like a collector: a failed connection is retried once. */
async function postWithRetry(agent, port, body) {
  const status = await post(agent, port, body);
  return status === 'error' ? post(agent, port, body) : status;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Closed loop: CONCURRENCY workers send fresh reports for `durationMs`; returns rate and latency. */
async function closedLoop(port, durationMs) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies = [];
  let errors = 0;
  const t0 = performance.now();
  const endAt = t0 + durationMs;
  const worker = async () => {
    while (performance.now() < endAt) {
      const body = reportBody();
      const start = performance.now();
      const status = await postWithRetry(agent, port, body);
      latencies.push(performance.now() - start);
      if (status !== 202) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { rate: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors };
}

/** Open loop: every deployment sends once at a uniformly random moment of a spanMs window. */
async function fleet(port, size, spanMs) {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const offsets = Float64Array.from({ length: size }, () => Math.random() * spanMs).sort();
  const latencies = new Float64Array(size);
  const statuses = new Map();
  let next = 0;
  let done = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const t0 = performance.now();
  await new Promise((resolve) => {
    const pump = () => {
      const elapsed = performance.now() - t0;
      while (next < size && offsets[next] <= elapsed) {
        const i = next++;
        const scheduled = t0 + offsets[i];
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        postWithRetry(agent, port, reportBody()).then((status) => {
          // Measured from the scheduled send time, so queueing behind a slow server counts.
          latencies[i] = performance.now() - scheduled;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          inFlight -= 1;
          done += 1;
          if (done === size) resolve();
        });
      }
      if (next < size) setTimeout(pump, 1);
    };
    pump();
  });
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  return { seconds, rate: size / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), maxInFlight, statuses };
}

async function timeQuery(label, fn, runs = 5) {
  return { label, ...(await medianTime(fn, runs)) };
}

const fmt = (n, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main() {
  const cleanups = [];
  const tmp = mkdtempSync(join(tmpdir(), 'lunadefend-bench-receiver-'));
  cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));
  try {
    console.log(`## 1. Ingest, closed loop: ${CONCURRENCY} concurrent keep-alive clients, a fresh report per request; ${ROUNDS} interleaved rounds of ${DURATION_MS / 1000} s per server (after ${WARMUP_MS / 1000} s of warm-up each), median of the rounds`);
    const ingestDb = await createDatabase();
    cleanups.push(() => ingestDb.drop());
    const variants = [
      { name: 'bare express (parse, discard)', server: await startServer('bare') },
      { name: 'receiver, SQLite', server: await startServer('sqlite', join(tmp, 'receiver.db')) },
      { name: 'receiver, PostgreSQL', server: await startServer('postgres', ingestDb.url) },
    ];
    const rows = [];
    try {
      for (const v of variants) await closedLoop(v.server.port, WARMUP_MS);
      // Rounds interleave the servers, so load from elsewhere on a shared machine hits all of them alike.
      const rounds = variants.map(() => []);
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const [i, v] of variants.entries()) rounds[i].push(await closedLoop(v.server.port, DURATION_MS));
      }
      const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
      for (const [i, v] of variants.entries()) {
        rows.push({
          name: v.name,
          rate: median(rounds[i].map((r) => r.rate)),
          rates: rounds[i].map((r) => r.rate),
          p50: median(rounds[i].map((r) => r.p50)),
          p99: median(rounds[i].map((r) => r.p99)),
          errors: rounds[i].reduce((n, r) => n + r.errors, 0),
        });
      }
    } finally {
      for (const v of variants) await v.server.stop();
    }
    const bare = rows[0].rate;
    console.log('| server | reports/s | vs bare | rounds (reports/s) | p50 ms | p99 ms | non-202 |');
    console.log('| --- | ---: | ---: | --- | ---: | ---: | ---: |');
    for (const row of rows) {
      console.log(`| ${row.name} | ${fmt(row.rate, 0)} | ${fmt(row.rate / bare, 2)} | ${row.rates.map((r) => fmt(r, 0)).join(' / ')} | ${fmt(row.p50, 2)} | ${fmt(row.p99, 2)} | ${row.errors} |`);
    }
    const pgRate = rows[2].rate;

    // 2. The fleet, offered at 60 % of the measured PostgreSQL capacity.
    const fleetDb = await createDatabase();
    cleanups.push(() => fleetDb.drop());
    const offered = pgRate * 0.6;
    const spanMs = (FLEET / offered) * 1000;
    console.log(`\n## 2. Fleet: ${FLEET.toLocaleString('en-US')} deployments, each one daily report at a uniformly random moment of ${fmt(spanMs / 1000, 0)} s (offered ${fmt(offered, 0)} reports/s), receiver on PostgreSQL`);
    const server = await startServer('postgres', fleetDb.url);
    let fleetResult;
    try {
      // Warm-up (JIT, pool connections) with implausible reports: stored flagged, so they take the
      // whole write path but stay out of every statistic checked below.
      const warm = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        for (let i = 0; i < 20; i += 1) {
          const body = JSON.parse(reportBody());
          body.metrics.tokenizeSuccess = 5_000_000_000;
          await post(warm, server.port, JSON.stringify(body));
        }
      }));
      warm.destroy();
      fleetResult = await fleet(server.port, FLEET, spanMs);
    } finally {
      await server.stop();
    }
    console.log(`took ${fmt(fleetResult.seconds)} s, ${fmt(fleetResult.rate, 0)} reports/s; latency from scheduled send p50 ${fmt(fleetResult.p50, 2)} ms, p99 ${fmt(fleetResult.p99, 2)} ms; max in flight ${fleetResult.maxInFlight}; statuses ${JSON.stringify(Object.fromEntries(fleetResult.statuses))}`);

    const storage = createPostgresStorage({ url: fleetDb.url, poolSize: 4 });
    cleanups.unshift(() => storage.close());
    const yesterday = formatUtcTimestamp(YESTERDAY_MS).slice(0, 10);
    const [day] = await storage.dailyStats({ from: yesterday, to: yesterday });
    const counted = day?.activeDeployments ?? 0;
    console.log(`stats for ${yesterday}: ${counted.toLocaleString('en-US')} active deployments (${counted === FLEET ? 'every deployment counted once' : 'MISMATCH'}), by version ${JSON.stringify(day?.deploymentsByVersion)}`);
    if (counted !== FLEET) process.exitCode = 1;

    const peak = 10_000_000 / 3600;
    const perReplica = pgRate;
    console.log(`\n10M deployments with the default 1h send jitter: ${fmt(peak, 0)} reports/s on average during the first hour after midnight UTC.`);
    console.log(`One receiver process sustained ${fmt(perReplica, 0)} reports/s (closed loop above, median): ${Math.ceil(peak / perReplica)} replica(s) at full load, ${Math.ceil((2 * peak) / perReplica)} with 2x headroom for retries and bursts (PostgreSQL shared, measured on this machine).`);

    // 3. One year of data for the fleet.
    console.log(`\n## 3. Stats queries on one year × ${FLEET.toLocaleString('en-US')} deployments (PostgreSQL, median of 5)`);
    const client = new pg.Client({ connectionString: fleetDb.url });
    await client.connect();
    cleanups.unshift(() => client.end());
    const seedStart = performance.now();
    // Aggregates: the real day copied to the 364 days before it, and its ISO weeks.
    await client.query(`
      insert into version_totals
      select 'day', period_start - n, version, deployments, reports, tokenize_success, tokenize_failure,
             detokenize_success, detokenize_failure, create_grant_success, create_grant_failure
      from version_totals cross join generate_series(1, 364) n where period = 'day'`);
    await client.query(`
      insert into period_totals select 'day', period_start - n, active_deployments, reports
      from period_totals cross join generate_series(1, 364) n where period = 'day'`);
    await client.query(`
      insert into version_totals
      select 'week', period_start - 7 * n, version, deployments, reports, tokenize_success * 7, tokenize_failure * 7,
             detokenize_success * 7, detokenize_failure * 7, create_grant_success * 7, create_grant_failure * 7
      from version_totals cross join generate_series(1, 52) n where period = 'week'`);
    await client.query(`
      insert into period_totals select 'week', period_start - 7 * n, active_deployments, reports
      from period_totals cross join generate_series(1, 52) n where period = 'week'`);
    await client.query('analyze');
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const counts = (await client.query(`
      select (select count(*) from version_totals) as version_rows, (select count(*) from period_totals) as period_rows,
             (select count(*) from deployment_periods) as deployment_rows, (select count(*) from reports) as raw_reports,
             pg_size_pretty(pg_database_size(current_database())) as size`)).rows[0];
    console.log(`seeded in ${fmt(seedSeconds)} s: ${counts.version_rows} version rows, ${counts.period_rows} period rows, ${counts.deployment_rows} per-deployment day/week rows, ${counts.raw_reports} raw reports; database ${counts.size}`);

    // Per-deployment history of DEPLOYMENT_DAYS days, and the deployments list before and after
    // the runs, on PostgreSQL and on SQLite (see ./deployments.js).
    await benchDeploymentsPostgres({ client, storage, yesterday, days: DEPLOYMENT_DAYS, missingPercent: MISSING_PERCENT, fleet: FLEET, fmt });
    await benchDeploymentsSqlite({ yesterday, days: DEPLOYMENT_DAYS, missingPercent: MISSING_PERCENT, fleet: FLEET, fmt });
    const month = 30;

    const yearFrom = formatUtcTimestamp(YESTERDAY_MS - 364 * DAY_MS).slice(0, 10);
    const monthFrom = formatUtcTimestamp(YESTERDAY_MS - (month - 1) * DAY_MS).slice(0, 10);
    const timings = [
      await timeQuery('dailyStats, 365 days (the stats API)', () => storage.dailyStats({ from: yearFrom, to: yesterday })),
      await timeQuery('weeklyStats, 365 days (the public page)', () => storage.weeklyStats({ from: yearFrom, to: yesterday })),
      await timeQuery('versions, 365 days', () => storage.versions({ from: yearFrom, to: yesterday })),
      await timeQuery('dailyStats for one version, 1 day', () => storage.dailyStats({ from: yesterday, to: yesterday, versions: ['1.3.0'] })),
      await timeQuery(`dailyStats for one version, ${month} days`, () => storage.dailyStats({ from: monthFrom, to: yesterday, versions: ['1.3.0'] })),
      await timeQuery(`deployments page (100), ${month} days`, () => storage.deployments({ from: monthFrom, to: yesterday, limit: 100, offset: 0 })),
      await timeQuery('deployments page (100), 365 days', () => storage.deployments({ from: yearFrom, to: yesterday, limit: 100, offset: 0 })),
      await timeQuery('without rollups: one day from 100k raw reports', () =>
        client.query(`
          select version, count(distinct stack_id), sum(tokenize_success), sum(tokenize_failure), sum(detokenize_success),
                 sum(detokenize_failure), sum(create_grant_success), sum(create_grant_failure)
          from reports where day = $1 and flag_reason is null group by version`, [yesterday]).then(async (r) => [
          r.rows,
          (await client.query('select count(distinct stack_id) from reports where day = $1 and flag_reason is null', [yesterday])).rows,
        ])),
    ];
    console.log(`\nStats queries on the year of aggregates (median of 5):`);
    console.log('| query | ms |');
    console.log('| --- | ---: |');
    for (const t of timings) console.log(`| ${t.label} | ${fmt(t.ms, 1)} |`);
    const raw = timings.at(-1).ms;
    console.log(`without rollups, 365 days would read 36.5M raw rows: about ${fmt((raw * 365) / 1000, 1)} s by linear extrapolation of the one-day figure, against ${fmt(timings[0].ms, 1)} ms from the daily rollup.`);
    const yearDays = timings[0].result.length;
    if (yearDays !== 365) {
      console.log(`MISMATCH: dailyStats returned ${yearDays} days`);
      process.exitCode = 1;
    }

    // --- dashboard requests (owned by receiver/src/dashboard; see ./dashboard.js) ---
    const { benchDashboard } = await import('./dashboard.js');
    await benchDashboard({ storage, yesterday, yearFrom, monthFrom, month, fleet: FLEET, fmt });
    // --- end of dashboard requests ---
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error) => console.error(`cleanup: ${error.message}`));
  }
}

await main();
