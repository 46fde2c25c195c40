import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint, parseNoteVerifier, receiptFromJson, verifyConsistency, verifyInclusion, type Checkpoint, type Receipt } from '@lunadefend/config';
import { createTestDatabase, postgresAvailability, type TestDatabase } from '@lunadefend/testkit';
import { reportAt, startTestReceiver, type TestReceiver } from '../testing/harness.js';
import { writeNewLogKey } from './log-key.js';

// Skips with a one-line reason on a laptop without PostgreSQL; throws (fails) under CI=true.
const availability = await postgresAvailability();

const hex = (hashes: string[]): Buffer[] => hashes.map((h) => Buffer.from(h, 'hex'));

if (!availability.available) {
  describe('transparency log of two replicas on one PostgreSQL', () => {
    it.skip(`PostgreSQL unavailable: ${availability.reason}`, () => undefined);
  });
} else {
  describe('transparency log of two replicas on one PostgreSQL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunadefend-log-replicas-'));
    let database: TestDatabase;
    let replicas: TestReceiver[] = [];
    let verifierText = '';

    beforeAll(async () => {
      database = await createTestDatabase(availability.adminUrl);
      const keyFile = join(dir, 'log.key');
      verifierText = writeNewLogKey(keyFile, 'receiver.test/replicated-log');
      const config = { database: { kind: 'postgres' as const, url: database.url }, databasePoolSize: 8, logKeyFile: keyFile };
      replicas = await Promise.all([startTestReceiver({ config }), startTestReceiver({ config })]);
    });
    afterAll(async () => {
      for (const replica of replicas) await replica.close();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    const checkpointOf = async (r: TestReceiver): Promise<Checkpoint> => {
      const opened = openCheckpoint(await (await fetch(`${r.url}/v1/log/checkpoint`)).text(), parseNoteVerifier(verifierText)!);
      if (!opened.ok) throw new Error(`checkpoint does not open: ${opened.reason}`);
      return opened.checkpoint;
    };

    it('appends concurrent reports to both replicas as one log: every leaf proven, every pair of checkpoints consistent', async () => {
      const reports = Array.from({ length: 160 }, () => reportAt());
      const checkpoints: Checkpoint[] = [];
      let sending = true;
      // Checkpoints published by either replica while the load runs.
      const watcher = (async () => {
        for (let i = 0; sending; i++) checkpoints.push(await checkpointOf(replicas[i % 2]!));
      })();
      const responses = await Promise.all(reports.map((report, i) => replicas[i % 2]!.post(report)));
      // Every report re-sent to the other replica: a duplicate with the same receipt.
      const resent = await Promise.all(reports.slice(0, 40).map((report, i) => replicas[(i + 1) % 2]!.post(report)));
      sending = false;
      await watcher;
      expect(responses.every((x) => x.status === 202)).toBe(true);
      expect(resent.map((x) => x.body)).toEqual(responses.slice(0, 40).map((x) => ({ status: 'duplicate', receipt: x.body.receipt })));

      const receipts: Receipt[] = responses.map((x) => receiptFromJson(x.body.receipt)!);
      expect(receipts.map((x) => x.leafIndex).sort((a, b) => a - b)).toEqual(reports.map((_, i) => i));
      const final = await Promise.all(replicas.map(checkpointOf));
      expect(final[0]).toEqual(final[1]);
      expect(final[0]!.treeSize).toBe(160);
      checkpoints.push(final[0]!);
      expect(checkpoints.length).toBeGreaterThan(2);

      for (const [i, receipt] of receipts.entries()) {
        const res = await fetch(`${replicas[i % 2]!.url}/v1/log/inclusion?leaf_hash=${receipt.leafHash.toString('hex')}&tree_size=160`);
        const body = (await res.json()) as { leaf_index: number; hashes: string[] };
        expect(body.leaf_index).toBe(receipt.leafIndex);
        expect(verifyInclusion(receipt.leafIndex, 160, receipt.leafHash, hex(body.hashes), final[0]!.rootHash)).toBe(true);
      }
      const distinct = [...new Map(checkpoints.map((c) => [c.treeSize, c])).values()].sort((a, b) => a.treeSize - b.treeSize);
      for (const [i, a] of distinct.entries()) {
        for (const b of distinct.slice(i)) {
          const res = await fetch(`${replicas[(i + b.treeSize) % 2]!.url}/v1/log/consistency?first=${a.treeSize}&second=${b.treeSize}`);
          const proof = hex(((await res.json()) as { hashes: string[] }).hashes);
          expect(verifyConsistency(a.treeSize, b.treeSize, a.rootHash, b.rootHash, proof)).toBe(true);
        }
      }
      // Two checkpoints of one size from different replicas are the same bytes of the one log.
      for (const c of checkpoints) expect(c.rootHash).toEqual(distinct.find((d) => d.treeSize === c.treeSize)!.rootHash);
    }, 180_000);
  });
}
