// Ingest keys on the real receiver: with LUNADEFEND_INGEST_KEYS set, a report without a key, with
// a wrong key or with a revoked key is refused 401 and nothing is stored; a listed key is
// accepted. The key never appears in a log line. Off by default.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reportAt, startTestReceiver, type TestReceiver } from '../testing/harness.js';
import { IngestKeysFileError, ingestKeyHashLine, parseIngestKeys } from './ingest-keys.js';

const KEY = 'ingest-key-of-the-private-fleet-0123456789';
const OTHER = 'ingest-key-of-another-fleet-9876543210abc';
let dir: string;
let keysFile: string;
let r: TestReceiver | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lunadefend-ingest-keys-'));
  keysFile = join(dir, 'ingest-keys.txt');
});
afterEach(async () => {
  await r?.close();
  r = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const storedCount = async (t: TestReceiver): Promise<number> =>
  (await t.receiver.storage.dailyStats({ from: '2026-03-01', to: '2026-03-31' })).reduce((n, d) => n + d.activeDeployments, 0);

describe('ingest keys', () => {
  it('refuses a report without a key, with a wrong key or a malformed header: 401, nothing stored', async () => {
    writeFileSync(keysFile, `# the private fleet\n${ingestKeyHashLine(KEY)}\n`);
    r = await startTestReceiver({ config: { ingestKeysFile: keysFile } });
    for (const headers of [{}, { authorization: `Bearer ${OTHER}` }, { authorization: KEY }, { authorization: `Basic ${KEY}` }] as Record<string, string>[]) {
      const answer = await r.post(reportAt(), headers);
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe('ingest_key_required');
      expect(answer.headers.get('www-authenticate')).toContain('Bearer');
    }
    expect(await storedCount(r)).toBe(0);
    expect((await r.post(reportAt(), { authorization: `Bearer ${KEY}` })).status).toBe(202);
    expect(await storedCount(r)).toBe(1);
    expect(r.logs.join('\n')).not.toContain(KEY);
    expect(r.logs.join('\n')).not.toContain(OTHER);
  });

  it('refuses a revoked key once its line is gone from the file, and accepts a newly added one', async () => {
    writeFileSync(keysFile, `${ingestKeyHashLine(KEY)}\n`);
    r = await startTestReceiver({ config: { ingestKeysFile: keysFile }, ingestKeysRefreshMs: 0 });
    expect((await r.post(reportAt(), { authorization: `Bearer ${KEY}` })).status).toBe(202);
    writeFileSync(keysFile, `# ${KEY.length}-character key revoked\n${ingestKeyHashLine(OTHER)}\n`);
    const revoked = await r.post(reportAt(), { authorization: `Bearer ${KEY}` });
    expect(revoked.status).toBe(401);
    expect(await storedCount(r)).toBe(1);
    expect((await r.post(reportAt(), { authorization: `Bearer ${OTHER}` })).status).toBe(202);
  });

  it('is off by default: anonymous reports are accepted', async () => {
    r = await startTestReceiver();
    expect((await r.post(reportAt())).status).toBe(202);
  });

  it('reads only hashes from the file, naming a bad line by number, never its content', () => {
    expect(parseIngestKeys(`\n# comment\n${ingestKeyHashLine(KEY)}  # fleet A\n`)).toHaveLength(1);
    expect(() => parseIngestKeys(`${ingestKeyHashLine(KEY)}\n${KEY}\n`)).toThrow(IngestKeysFileError);
    try {
      parseIngestKeys(`${ingestKeyHashLine(KEY)}\n${KEY}\n`);
    } catch (error) {
      expect((error as Error).message).toBe('line 2: must be sha256:<64 hex digits> (the hash of a key, never the key)');
    }
  });
});
