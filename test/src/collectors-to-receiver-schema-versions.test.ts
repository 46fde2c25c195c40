// The report contract end to end (docs/report-contract.md), with a fixture catalog of schema
// version 2 (one counter more; never a real metric): a version 1 and a version 2 collector in one
// fleet, both real collector processes sending from their outboxes through their own exporter.
// The receiver starts at version 1: it takes the version 1 reports and answers the version 2 ones
// `unsupported_schema_version`, which the collector keeps and retries (nothing dead-lettered).
// The receiver is then upgraded in place (same database, the mechanical migration, same port):
// the waiting reports arrive, the version 1 collector goes on reporting, and the statistics over
// the mix count every report once and show the new counter as unknown on a day no report carried it.
//
// The version 2 collector is this build's collector holding version 2 bodies in its outbox (the
// collector's pipeline itself counts this build's catalog): the exporter, the transport and the
// outbox are what meet the receiver, and they are the real ones.

import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DAY_MS,
  METRIC_CATALOG,
  createReportValidator,
  formatUtcTimestamp,
  validateReportSchema,
  type MetricCatalog,
  type VersionedReport,
} from '@lunadefend/config';
import { STATE_FILE_NAME, readCollectorState } from '@lunadefend/collector';
import {
  POSTGRES_MIGRATIONS,
  SQLITE_MIGRATIONS,
  createLogger,
  createPostgresStorage,
  createReceiver,
  createSqliteStorage,
  nextMigrationVersion,
  postgresMetricMigration,
  sqliteMetricMigration,
  type Receiver,
  type Storage,
} from '@lunadefend/receiver';
import { createTestDatabase, postgresAvailability, stopAllServices, waitUntil, writeCollectorConfig, type TestDatabase } from '@lunadefend/testkit';
import { E2E_WINDOW, startCollector, type RunningCollector } from './support/pipeline.js';
import { ledgerEntries } from './support/stores.js';

const WIDGET = 'fixtureWidget';
const FIXTURE_V2: MetricCatalog = [
  ...METRIC_CATALOG,
  { instrument: 'lunadefend.fixture.widget', reportKey: WIDGET, unit: '{operation}', description: 'Widgets (test catalog only).', since: 2 },
];
const V1_KEYS = METRIC_CATALOG.map((e) => e.reportKey);
const ADMIN_TOKEN = 'schema-versions-admin-token-0123456789';

type Store = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

function openStore(store: Store, catalog?: MetricCatalog): Storage {
  if (store.kind === 'sqlite') {
    return catalog === undefined
      ? createSqliteStorage({ path: store.path })
      : createSqliteStorage({ path: store.path, catalog, migrations: [...SQLITE_MIGRATIONS, sqliteMetricMigration(nextMigrationVersion(SQLITE_MIGRATIONS), catalog, 2)] });
  }
  return catalog === undefined
    ? createPostgresStorage({ url: store.url, poolSize: 4 })
    : createPostgresStorage({ url: store.url, poolSize: 4, catalog, migrations: [...POSTGRES_MIGRATIONS, postgresMetricMigration(nextMigrationVersion(POSTGRES_MIGRATIONS), catalog, 2)] });
}

async function startReceiverOn(storage: Storage, port: number, catalog?: MetricCatalog): Promise<Receiver> {
  const receiver = createReceiver({
    storage,
    ...(catalog === undefined ? {} : { catalog }),
    retention: false,
    logger: createLogger({ level: 'silent' }),
    config: { host: '127.0.0.1', port, adminToken: ADMIN_TOKEN, clientRateLimit: undefined, stackRateLimit: undefined },
  });
  await receiver.start();
  return receiver;
}

const dayStartMs = (daysAgo: number): number => Math.floor(Date.now() / DAY_MS) * DAY_MS - daysAgo * DAY_MS;
const dayName = (daysAgo: number): string => new Date(dayStartMs(daysAgo)).toISOString().slice(0, 10);

/** A report of `schemaVersion` for the UTC day `daysAgo`, checked against its own schema as a collector checks its output. */
function report(schemaVersion: 1 | 2, stackId: string, version: string, daysAgo: number, seed: number, widgets = 0): VersionedReport {
  const metrics: Record<string, number> = Object.fromEntries(V1_KEYS.map((k, i) => [k, seed * 100 + i]));
  if (schemaVersion === 2) metrics[WIDGET] = widgets;
  const start = dayStartMs(daysAgo);
  const body = { schema_version: schemaVersion, report_id: randomUUID(), version, stack_id: stackId, window: { start: formatUtcTimestamp(start), end: formatUtcTimestamp(start + DAY_MS) }, metrics };
  const check = schemaVersion === 1 ? validateReportSchema(body) : createReportValidator(FIXTURE_V2).validate(body);
  expect(check.ok).toBe(true);
  return body;
}

/** Puts sealed reports into a stopped collector's outbox, due now, exactly as its exporter stores them. */
function seedOutbox(stateDirectory: string, reports: readonly VersionedReport[]): void {
  const db = new Database(join(stateDirectory, STATE_FILE_NAME));
  try {
    const insert = db.prepare(
      'insert into outbox (report_id, window_start_ms, window_end_ms, body, send_after_ms, next_attempt_ms, attempts, last_error) values (?, ?, ?, ?, ?, ?, 0, null)',
    );
    for (const r of reports) insert.run(r.report_id, Date.parse(r.window.start), Date.parse(r.window.end), JSON.stringify(r), 0, 0);
  } finally {
    db.close();
  }
}

interface FleetCollector {
  readonly stateDirectory: string;
  running: RunningCollector;
  /** Stops it, adds `reports` to its outbox, starts it again. */
  send(reports: readonly VersionedReport[]): Promise<void>;
}

/** A collector (its own folder, config and state) whose outbox holds `reports` when it starts sending to `endpoint`. */
async function collectorWith(dir: string, name: string, endpoint: string, reports: readonly VersionedReport[]): Promise<FleetCollector> {
  const home = join(dir, name);
  mkdirSync(home);
  const stateDirectory = join(home, 'state');
  const configPath = writeCollectorConfig(home, { endpoint, stateDirectory, window: E2E_WINDOW, initialInterval: '200ms', maxInterval: '500ms' });
  const collector: FleetCollector = {
    stateDirectory,
    running: await startCollector(configPath), // creates and migrates its state file
    async send(more) {
      await collector.running.service.stop('SIGTERM');
      seedOutbox(stateDirectory, more);
      collector.running = await startCollector(configPath);
    },
  };
  await collector.send(reports);
  return collector;
}

/** Expected totals per key over some reports: the sum over those that carry it, null when none does. */
function expectedTotals(reports: readonly VersionedReport[], keys: readonly string[]): Record<string, number | null> {
  return Object.fromEntries(
    keys.map((key) => {
      const carrying = reports.filter((r) => r.metrics[key] !== undefined);
      return [key, carrying.length === 0 ? null : carrying.reduce((sum, r) => sum + r.metrics[key]!, 0)];
    }),
  );
}

async function dailyTotals(url: string): Promise<Record<string, Record<string, number | null>>> {
  const query = new URL('/v1/stats/daily', url);
  query.searchParams.set('from', dayName(3));
  query.searchParams.set('to', dayName(1));
  const response = await fetch(query, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(response.status).toBe(200);
  const answer = (await response.json()) as { days: { day: string; totals: Record<string, number | null> }[] };
  return Object.fromEntries(answer.days.map((d) => [d.day, d.totals]));
}

const postgres = await postgresAvailability();
if (!postgres.available) console.warn(`skipping the PostgreSQL run of the schema versions test: ${postgres.reason}`);

describe.each(['sqlite', 'postgres'] as const)('collectors of schema versions 1 and 2 → one receiver, upgraded (%s)', (kind) => {
  let dir: string;
  let database: TestDatabase | undefined;
  const receivers: Receiver[] = [];
  const stores: Storage[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lunadefend-e2e-versions-'));
  });
  afterEach(async () => {
    await stopAllServices();
    for (const receiver of receivers.splice(0)) await receiver.shutdown();
    for (const storage of stores.splice(0)) await storage.close();
    await database?.drop();
    database = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(kind === 'postgres' && !postgres.available)(
    'keeps and retries what the older receiver cannot read, loses no count, and shows the new counter as unknown before it existed',
    async () => {
      let store: Store = { kind: 'sqlite', path: join(dir, 'receiver.db') };
      if (kind === 'postgres' && postgres.available) {
        database = await createTestDatabase(postgres.adminUrl);
        store = { kind: 'postgres', url: database.url };
      }
      const [stackA, stackB] = [randomUUID(), randomUUID()];
      const fromA = [report(1, stackA, '1.4.2', 3, 1), report(1, stackA, '1.4.2', 2, 2)];
      const fromB = [report(2, stackB, '1.5.0', 2, 3, 7), report(2, stackB, '1.5.0', 1, 4, 0)];

      // A version 1 receiver, and both collectors sending to it.
      const storeV1 = openStore(store);
      stores.push(storeV1);
      const older = await startReceiverOn(storeV1, 0);
      receivers.push(older);
      const { port, url } = older.address()!;
      const endpoint = `${url}/v1/reports`;
      const collectorA = await collectorWith(dir, 'collector-a', endpoint, fromA);
      const collectorB = await collectorWith(dir, 'collector-b', endpoint, fromB);

      await waitUntil('collector A delivered both its reports', () => ledgerEntries(collectorA.stateDirectory).length === 2);
      const waiting = await waitUntil('collector B retried its reports at least twice', () => {
        const state = readCollectorState(collectorB.stateDirectory);
        return state.outbox.length === 2 && state.outbox.every((e) => e.attempts >= 2) ? state : undefined;
      });
      expect(waiting.deadLetters).toEqual([]);
      expect(waiting.outbox.map((e) => e.lastError)).toEqual([expect.stringContaining('EXPORT_SCHEMA_VERSION'), expect.stringContaining('EXPORT_SCHEMA_VERSION')]);
      expect(waiting.outbox.map((e) => e.body).sort()).toEqual(fromB.map((r) => JSON.stringify(r)).sort());
      expect(await dailyTotals(url)).toEqual({ [dayName(3)]: expectedTotals([fromA[0]!], V1_KEYS), [dayName(2)]: expectedTotals([fromA[1]!], V1_KEYS) });

      // The receiver is upgraded in place: same database (one mechanical migration), same port.
      await older.shutdown();
      await storeV1.close();
      const storeV2 = openStore(store, FIXTURE_V2);
      stores.push(storeV2);
      const newer = await startReceiverOn(storeV2, port, FIXTURE_V2);
      receivers.push(newer);

      await waitUntil('collector B delivered both waiting reports', () => ledgerEntries(collectorB.stateDirectory).length === 2, { timeoutMs: 30_000 });
      // The version 1 collector goes on reporting to the upgraded receiver.
      const laterA = report(1, stackA, '1.4.2', 1, 5);
      await collectorA.send([laterA]);
      await waitUntil('collector A delivered its later report', () => ledgerEntries(collectorA.stateDirectory).length === 3);

      for (const collector of [collectorA, collectorB]) {
        const state = readCollectorState(collector.stateDirectory);
        expect({ outbox: state.outbox.length, deadLetters: state.deadLetters.length }).toEqual({ outbox: 0, deadLetters: 0 });
        expect(ledgerEntries(collector.stateDirectory).every((e) => e.outcome === 'accepted' && e.status === 202)).toBe(true);
      }
      const all = [...fromA, ...fromB, laterA];
      const onDay = (daysAgo: number) => all.filter((r) => r.window.start.startsWith(dayName(daysAgo)));
      const keys = FIXTURE_V2.map((e) => e.reportKey);
      expect(await dailyTotals(newer.address()!.url)).toEqual({
        [dayName(3)]: expectedTotals(onDay(3), keys),
        [dayName(2)]: expectedTotals(onDay(2), keys),
        [dayName(1)]: expectedTotals(onDay(1), keys),
      });
      // The rule, plainly: unknown on the day only a version 1 collector reported; 7; then a known zero.
      const totals = await dailyTotals(newer.address()!.url);
      expect([3, 2, 1].map((d) => totals[dayName(d)]![WIDGET])).toEqual([null, 7, 0]);
    },
    120_000,
  );
});
