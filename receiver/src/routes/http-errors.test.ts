// The one error handler on the real receiver: bad %-encoding is the client's fault (400, no error
// log), and a storage outage is logged once per interval with a count, not once per request.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStorage } from '../storage/sqlite.js';
import { reportAt, startTestReceiver, type TestReceiver } from '../testing/harness.js';
import { createErrorLogThrottle } from './error-log-throttle.js';

let r: TestReceiver | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

const errorLines = (logs: string[]): string[] => logs.filter((line) => /"level":(50|60)/.test(line));

describe('error answers', () => {
  it('answers 400 invalid_url_encoding for bad %-encoding in a path, without an error log line', async () => {
    r = await startTestReceiver();
    for (const path of ['/dashboard/assets/%', '/dashboard/assets/%E0%A4%A', '/dashboard/assets/vendor/%zz']) {
      const res = await r.get(path);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_url_encoding');
    }
    expect(errorLines(r.logs)).toEqual([]);
  });

  it('logs a storage outage once per interval with the count of failures left out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunadefend-outage-'));
    const storage = createSqliteStorage({ path: join(dir, 'receiver.db') });
    try {
      // An interval longer than any test run, so a loaded machine cannot split the burst in two.
      r = await startTestReceiver({ storage, errorLogIntervalMs: 3_600_000 });
      await storage.close();
      const answers = await Promise.all(Array.from({ length: 200 }, () => r!.post(reportAt())));
      expect(answers.every((a) => a.status === 503 && a.body.error === 'storage_unavailable')).toBe(true);
      // 200 failed requests within one interval: one line, not 200.
      expect(errorLines(r.logs)).toHaveLength(1);
      expect(errorLines(r.logs)[0]).toContain('storage_unavailable');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the throttle admits one line per code per interval and reports what it left out', () => {
    let ms = 0;
    const throttle = createErrorLogThrottle({ intervalMs: 10_000, nowMs: () => ms });
    expect(throttle.admit('storage_unavailable')).toBe(0);
    for (let i = 0; i < 4562; i += 1) expect(throttle.admit('storage_unavailable')).toBeUndefined();
    expect(throttle.admit('internal_error')).toBe(0);
    ms = 10_000;
    expect(throttle.admit('storage_unavailable')).toBe(4562);
    expect(throttle.admit('storage_unavailable')).toBeUndefined();
  });
});
