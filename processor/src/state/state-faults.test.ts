import { closeSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { statusCommand } from '../cli/status.js';
import type { Collector } from '../collector.js';
import type { CaptureReceiver } from '../testing/capture-receiver.js';
import type { Fixture } from '../testing/collector-fixture.js';
import { single } from '../testing/model-builders.js';
import { useTestCollectors } from '../testing/test-collectors.js';
import { STATE_FILE_NAME } from './state-store.js';

const DAY = 86_400_000;
const DAY0 = Date.UTC(2026, 10, 20);
const collectors = useTestCollectors();

async function setup() {
  const r = await collectors.receiver();
  const { c, f, clock, log } = await collectors.start({ atMs: DAY0 + 3_600_000, endpoint: r.url(), seed: 3 });
  // Two sealed reports wait in the outbox (the receiver is not asked yet).
  for (let day = 0; day < 2; day++) {
    const t = clock.now();
    expect(c.consume(single({ value: 5, startMs: t, timeMs: t + 1, temporality: 1 }))).toMatchObject({ kind: 'accepted' });
    clock.set(Math.floor(t / DAY) * DAY + DAY + 3_600_000);
    expect(c.sealDue()).toBe(1);
  }
  return { clock, c, f, r, log };
}

const path = (f: Fixture) => join(f.stateDirectory, STATE_FILE_NAME);

/** Another connection: where the outbox table starts, and the page size. */
function layout(f: Fixture) {
  const db = new Database(path(f));
  try {
    const { rootpage } = db.prepare("select rootpage from sqlite_master where name = 'outbox'").get() as { rootpage: number };
    return { rootpage, pageSize: db.pragma('page_size', { simple: true }) as number };
  } finally {
    db.close();
  }
}

/** A commit from another connection: the collector's page cache is dropped at its next transaction. */
function touch(f: Fixture) {
  const db = new Database(path(f));
  try {
    db.prepare("insert or replace into metadata (key, value) values ('touched', '1')").run();
  } finally {
    db.close();
  }
}

function garble(file: string, offset: number, length: number) {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, offset);
  } finally {
    closeSync(fd);
  }
}

async function expectDetected(c: Collector, f: Fixture, r: CaptureReceiver, log: { lines: string[] }) {
  expect(await c.exportDue()).toMatchObject({ delivered: 0 });
  expect(r.requests).toHaveLength(0); // nothing is sent from a file that cannot be trusted
  const { host, port } = c.healthAddress();
  const res = await fetch(`http://${host}:${port}/`);
  expect(res.status).toBe(503);
  expect(((await res.json()) as { reason?: string }).reason).toMatch(/^STATE_CORRUPT: /);
  // Nothing is acknowledged that cannot be committed: OTLP gets 503.
  const t = Date.now();
  expect(c.consume(single({ value: 1, startMs: t, timeMs: t + 1, temporality: 1 }))).toMatchObject({ kind: 'unavailable', reason: 'STATE_CORRUPT' });
  const lines: string[] = [];
  statusCommand(f.config, {}, false, (l) => lines.push(l));
  expect(lines.join('\n')).toMatch(/STATE_CORRUPT: the state file/);
  expect(log.lines.filter((l) => l.includes('"code":"STATE_CORRUPT"'))).toHaveLength(1);
  expect(await c.metrics.registry.getSingleMetricAsString('lunadefend_collector_state_writable')).toMatch(/ 0$/m);
}

describe('state faults at run time', () => {
  it('a corrupt page: health unhealthy, status and the log say why, nothing sent, OTLP answered 503', async () => {
    const { c, f, r, log } = await setup();
    const { rootpage, pageSize } = layout(f);
    const db = new Database(path(f));
    db.pragma('wal_checkpoint(TRUNCATE)'); // the outbox's pages now live in the main file only
    db.close();
    garble(path(f), (rootpage - 1) * pageSize, pageSize);
    touch(f);
    await expectDetected(c, f, r, log);
  });

  it('a damaged WAL: health unhealthy, status and the log say why, nothing sent, OTLP answered 503', async () => {
    const { c, f, r, log } = await setup();
    const { rootpage, pageSize } = layout(f);
    // Garble the page images of the outbox's root page in the WAL (its frames stay where they are).
    const wal = `${path(f)}-wal`;
    const size = statSync(wal).size;
    const fd = openSync(wal, 'r');
    const frames: number[] = [];
    try {
      const header = Buffer.alloc(4);
      for (let at = 32; at + 24 + pageSize <= size; at += 24 + pageSize) {
        readSync(fd, header, 0, 4, at);
        if (header.readUInt32BE(0) === rootpage) frames.push(at);
      }
    } finally {
      closeSync(fd);
    }
    expect(frames.length).toBeGreaterThan(0);
    for (const at of frames) garble(wal, at + 24, pageSize);
    touch(f);
    await expectDetected(c, f, r, log);
  });
});
