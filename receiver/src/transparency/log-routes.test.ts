import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashLeaf, openCheckpoint, parseNoteVerifier, receiptFromJson, verifyConsistency, verifyInclusion, type Checkpoint } from '@lunadefend/config';
import { reportAt, startTestReceiver, type TestReceiver } from '../testing/harness.js';
import { writeNewLogKey } from './log-key.js';

const dir = mkdtempSync(join(tmpdir(), 'lunadefend-log-routes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function checkpointOf(r: TestReceiver, verifierText: string): Promise<Checkpoint> {
  const note = await (await fetch(`${r.url}/v1/log/checkpoint`)).text();
  const opened = openCheckpoint(note, parseNoteVerifier(verifierText)!);
  if (!opened.ok) throw new Error(`checkpoint does not open: ${opened.reason}`);
  return opened.checkpoint;
}

async function proveIncluded(r: TestReceiver, leafHash: Buffer, checkpoint: Checkpoint): Promise<number> {
  const res = await fetch(`${r.url}/v1/log/inclusion?leaf_hash=${leafHash.toString('hex')}&tree_size=${checkpoint.treeSize}`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { leaf_index: number; hashes: string[] };
  expect(verifyInclusion(body.leaf_index, checkpoint.treeSize, leafHash, body.hashes.map((h) => Buffer.from(h, 'hex')), checkpoint.rootHash)).toBe(true);
  return body.leaf_index;
}

describe('transparency log over HTTP', () => {
  it('answers each accepted report with a receipt of its exact bytes, and a re-sent one with the same receipt', async () => {
    const keyFile = join(dir, 'receipts.key');
    const verifier = writeNewLogKey(keyFile, 'receiver.test/log');
    const r = await startTestReceiver({ config: { logKeyFile: keyFile } });
    try {
      // Bytes as a collector sends them, including a key order and spacing of its own.
      const bodies = [reportAt(), reportAt()].map((report) => JSON.stringify(report, null, 1));
      const first = await Promise.all(bodies.map((body) => r.post(body)));
      expect(first.map((x) => x.status)).toEqual([202, 202]);
      const receipts = first.map((x) => receiptFromJson(x.body.receipt)!);
      receipts.forEach((receipt, i) => expect(receipt.leafHash).toEqual(hashLeaf(Buffer.from(bodies[i]!))));
      expect(receipts.map((x) => x.leafIndex).sort()).toEqual([0, 1]);

      const again = await r.post(bodies[0]!);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ status: 'duplicate', receipt: first[0]!.body.receipt });

      const checkpoint = await checkpointOf(r, verifier);
      expect(checkpoint.treeSize).toBe(2);
      for (const receipt of receipts) expect(await proveIncluded(r, receipt.leafHash, checkpoint)).toBe(receipt.leafIndex);
      expect((await r.get('/v1/log/key')).text).toBe(`${verifier}\n`);
    } finally {
      await r.close();
    }
  });

  it('publishes checkpoints that stay consistent as the log grows and across a restart', async () => {
    const keyFile = join(dir, 'restart.key');
    const verifier = writeNewLogKey(keyFile, 'receiver.test/log');
    const database = { kind: 'sqlite' as const, path: join(dir, 'restart.db') };
    const seen: Checkpoint[] = [];
    let r = await startTestReceiver({ config: { logKeyFile: keyFile, database } });
    try {
      for (let i = 0; i < 5; i++) {
        await r.post(reportAt());
        seen.push(await checkpointOf(r, verifier));
      }
      await r.close();
      r = await startTestReceiver({ config: { logKeyFile: keyFile, database } });
      const restarted = await checkpointOf(r, verifier);
      expect(restarted).toEqual(seen.at(-1));
      for (let i = 0; i < 3; i++) await r.post(reportAt());
      seen.push(await checkpointOf(r, verifier));
      for (const a of seen) {
        for (const b of seen.filter((x) => x.treeSize >= a.treeSize)) {
          const res = await fetch(`${r.url}/v1/log/consistency?first=${a.treeSize}&second=${b.treeSize}`);
          const proof = ((await res.json()) as { hashes: string[] }).hashes.map((h) => Buffer.from(h, 'hex'));
          expect(verifyConsistency(a.treeSize, b.treeSize, a.rootHash, b.rootHash, proof)).toBe(true);
        }
      }
    } finally {
      await r.close();
    }
  });

  it('refuses bad proof queries, and says when no key is configured', async () => {
    const r = await startTestReceiver();
    try {
      expect((await r.get('/v1/log/checkpoint')).body.error).toBe('log_disabled');
      expect((await r.get('/v1/log/key')).body.error).toBe('log_disabled');
      const accepted = await r.post(reportAt());
      // Receipts do not need the key: the log is kept either way.
      expect(receiptFromJson(accepted.body.receipt)?.leafIndex).toBe(0);
      expect((await r.get(`/v1/log/inclusion?leaf_hash=${'ab'.repeat(32)}&tree_size=1`)).body.error).toBe('leaf_not_found');
      expect((await r.get(`/v1/log/inclusion?leaf_hash=${'ab'.repeat(32)}&tree_size=2`)).body.error).toBe('invalid_query');
      expect((await r.get('/v1/log/inclusion?leaf_hash=xyz&tree_size=1')).body.error).toBe('invalid_query');
      expect((await r.get('/v1/log/consistency?first=2&second=1')).body.error).toBe('invalid_query');
      expect((await r.get('/v1/log/consistency?first=-1&second=1')).body.error).toBe('invalid_query');
    } finally {
      await r.close();
    }
  });
});
