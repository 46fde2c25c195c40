// The one in-process test receiver: the real receiver on 127.0.0.1 port 0 with an injected clock,
// a fresh SQLite file (or a given store) and captured JSON log lines. The ingest tests use it as it
// is (rate limits off, a settable clock); dashboard-receiver.ts is a preset of it with a
// deployment's limits. Not part of the build.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { DAY_MS, formatUtcTimestamp, type DailyReport } from '@lunadefend/config';
import type { ReceiverConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { createReceiver, type Receiver, type ReceiverOptions } from '../receiver.js';
import { makeReport } from '../storage/contract.js';

export { makeReport };

/** 2026-03-10T12:00:00Z: windows of 2026-03-09 are complete and recent. */
export const NOW_MS = Date.parse('2026-03-10T12:00:00Z');
export const YESTERDAY_MS = Date.parse('2026-03-09T00:00:00Z');

export interface TestReceiver {
  readonly receiver: Receiver;
  readonly url: string;
  /** Raw captured log output. */
  readonly logs: string[];
  readonly clock: { ms: number };
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }>;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown>; text: string }>;
  close(): Promise<void>;
}

export function captureStream(lines: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
}

export interface TestReceiverOptions extends Omit<ReceiverOptions, 'config' | 'now' | 'logger'> {
  readonly config?: Partial<ReceiverConfig>;
  /** The receiver's clock; by default `clock.ms` of the returned receiver, starting at NOW_MS. */
  readonly now?: () => Date;
}

export async function startTestReceiver(options: TestReceiverOptions = {}): Promise<TestReceiver> {
  const dir = mkdtempSync(join(tmpdir(), 'lunadefend-receiver-'));
  const logs: string[] = [];
  const clock = { ms: NOW_MS };
  const { now = () => new Date(clock.ms), ...receiverOptions } = options;
  const receiver = createReceiver({
    retention: false,
    ...receiverOptions,
    config: {
      port: 0,
      database: { kind: 'sqlite', path: join(dir, 'receiver.db') },
      clientRateLimit: undefined,
      stackRateLimit: undefined,
      ...options.config,
    },
    now,
    logger: createLogger({ level: 'info', stream: captureStream(logs) }),
  });
  const { url } = await receiver.start();
  const parse = (text: string): Record<string, unknown> => {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  return {
    receiver,
    url,
    logs,
    clock,
    async post(body, headers = {}) {
      const response = await fetch(`${url}/v1/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: response.status, body: parse(await response.text()), headers: response.headers };
    },
    async get(path, headers = {}) {
      const response = await fetch(`${url}${path}`, { headers });
      const text = await response.text();
      return { status: response.status, body: parse(text), text };
    },
    async close() {
      await receiver.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A report for the window starting at `startMs` (default: yesterday, 24h). */
export function reportAt(startMs = YESTERDAY_MS, overrides: Partial<DailyReport> = {}, windowMs = DAY_MS): DailyReport {
  return makeReport({ startMs, windowMs, ...overrides });
}

export { formatUtcTimestamp };
