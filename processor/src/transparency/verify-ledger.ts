// What `verify` proves about the ledger: the receiver's latest checkpoint is signed by the pinned
// key (or the key trusted on first use), it extends the checkpoint verified last time (so the
// receiver shows this collector one append-only history), and every delivered report with a
// receipt is in it — its leaf hash recomputed here from the exact bytes sent.

import {
  hashLeaf,
  openCheckpoint,
  parseNoteVerifier,
  verifyConsistency,
  verifyInclusion,
  type Checkpoint,
  type NoteVerifier,
} from '@lunadefend/config';
import type { CollectorErrorCode } from '../errors.js';
import { VERIFY_NOTICES } from '../state/notice-board.js';
import type { StateStore } from '../state/state-store.js';
import type { LogClient } from './log-client.js';

export interface ReportVerdict {
  readonly reportId: string;
  /** 'ok': proven in the checkpoint; 'no-receipt': delivered without one (nothing to check). */
  readonly result: 'ok' | 'failed' | 'no-receipt';
  readonly leafIndex: number | null;
  readonly code?: CollectorErrorCode;
  readonly detail: string;
}

export interface VerifyOutcome {
  /** Problems with the log as a whole (key, checkpoint, consistency, reachability). */
  readonly logFailures: readonly { readonly code: CollectorErrorCode; readonly detail: string }[];
  readonly checkpoint: Checkpoint | undefined;
  readonly previous: Checkpoint | undefined;
  /** Set when the key was trusted on first use during this run. */
  readonly trustedOnFirstUse: string | undefined;
  readonly reports: readonly ReportVerdict[];
}

type Failure = { code: CollectorErrorCode; detail: string };

async function chooseKey(store: StateStore, client: LogClient, pinned: string): Promise<{ verifier?: NoteVerifier; tofu?: string; failure?: Failure }> {
  const text = pinned !== '' ? pinned : VERIFY_NOTICES.logPublicKey.get(store);
  if (text !== undefined) {
    const verifier = parseNoteVerifier(text);
    return verifier === undefined ? { failure: { code: 'LOG_KEY_MISMATCH', detail: 'the recorded log key does not parse' } } : { verifier };
  }
  const fetched = await client.key();
  if (!fetched.ok) return { failure: { code: 'LOG_UNREACHABLE', detail: `cannot read the log key at ${client.base}key: ${fetched.detail}` } };
  const verifier = parseNoteVerifier(fetched.value);
  if (verifier === undefined) return { failure: { code: 'LOG_KEY_MISMATCH', detail: 'the receiver served a log key that does not parse' } };
  VERIFY_NOTICES.logPublicKey.set(store, verifier.text);
  return { verifier, tofu: verifier.text };
}

async function checkConsistency(client: LogClient, previous: Checkpoint, current: Checkpoint): Promise<Failure | undefined> {
  const inconsistent = (why: string): Failure => ({
    code: 'LOG_INCONSISTENT',
    detail: `the checkpoint of size ${current.treeSize} does not extend the one of size ${previous.treeSize} verified before (${why}): the log was forked or rewritten`,
  });
  if (current.treeSize < previous.treeSize) return inconsistent('the log shrank');
  if (current.treeSize === previous.treeSize) return current.rootHash.equals(previous.rootHash) ? undefined : inconsistent('same size, another root');
  const proof = await client.consistency(previous.treeSize, current.treeSize);
  if (!proof.ok) return proof.status === null ? { code: 'LOG_UNREACHABLE', detail: `consistency proof: ${proof.detail}` } : inconsistent(`no proof: ${proof.detail}`);
  return verifyConsistency(previous.treeSize, current.treeSize, previous.rootHash, current.rootHash, proof.value) ? undefined : inconsistent('the proof does not verify');
}

/** Every report with a receipt, failed for want of a checkpoint to prove it in. */
function unproven(store: StateStore, failure: Failure): ReportVerdict[] {
  return store.ledger
    .list()
    .filter((e) => e.leafIndex !== null && e.leafIndex !== undefined)
    .map((e) => ({ reportId: e.reportId, result: 'failed', leafIndex: e.leafIndex ?? null, code: failure.code, detail: 'not proven: no checkpoint signed by the trusted key' }));
}

/** Runs every check and records the results in the state (key on first use, verdicts, checkpoint). */
export async function verifyLedger(store: StateStore, client: LogClient, pinnedKey: string): Promise<VerifyOutcome> {
  const outcome = await runChecks(store, client, pinnedKey);
  const failure = outcome.logFailures[0];
  return outcome.checkpoint === undefined && failure !== undefined ? { ...outcome, reports: unproven(store, failure) } : outcome;
}

async function runChecks(store: StateStore, client: LogClient, pinnedKey: string): Promise<VerifyOutcome> {
  const empty = { checkpoint: undefined, previous: undefined, reports: [] };
  const key = await chooseKey(store, client, pinnedKey);
  if (key.verifier === undefined) return { ...empty, logFailures: [key.failure!], trustedOnFirstUse: undefined };
  const verifier = key.verifier;
  const trustedOnFirstUse = key.tofu;

  const note = await client.checkpoint();
  if (!note.ok) return { ...empty, trustedOnFirstUse, logFailures: [{ code: 'LOG_UNREACHABLE', detail: `cannot read the checkpoint at ${client.base}checkpoint: ${note.detail}` }] };
  const opened = openCheckpoint(note.value, verifier);
  if (!opened.ok) {
    const detail = opened.reason === 'malformed' ? 'the checkpoint is malformed' : `the checkpoint is not signed by the pinned log key ${verifier.name}+${verifier.keyId.toString(16).padStart(8, '0')} (${opened.reason})`;
    return { ...empty, trustedOnFirstUse, logFailures: [{ code: 'LOG_KEY_MISMATCH', detail }] };
  }
  const checkpoint = opened.checkpoint;
  const logFailures: Failure[] = [];
  const previousNote = VERIFY_NOTICES.logCheckpoint.get(store);
  const previousOpened = previousNote === undefined ? undefined : openCheckpoint(previousNote, verifier);
  const previous = previousOpened?.ok === true ? previousOpened.checkpoint : undefined;
  if (previousNote !== undefined && previous === undefined) {
    logFailures.push({ code: 'LOG_KEY_MISMATCH', detail: 'the checkpoint verified before is not signed by the current log key' });
  }
  if (previous !== undefined) {
    const failure = await checkConsistency(client, previous, checkpoint);
    if (failure !== undefined) logFailures.push(failure);
  }

  const reports: ReportVerdict[] = [];
  for (const entry of store.ledger.list()) {
    if (entry.outcome === 'local') continue;
    if (entry.leafIndex === null || entry.leafIndex === undefined || entry.leafHash === null || entry.leafHash === undefined) {
      reports.push({ reportId: entry.reportId, result: 'no-receipt', leafIndex: null, detail: 'delivered without a receipt; nothing to check' });
      continue;
    }
    const verdict = await verifyEntry(client, checkpoint, entry.reportId, entry.body, entry.leafIndex, Buffer.from(entry.leafHash, 'hex'));
    reports.push(verdict);
    store.ledger.setVerification(entry.seq, verdict.result === 'ok' ? checkpoint.treeSize : null, verdict.result === 'ok' ? null : `${verdict.code}: ${verdict.detail}`);
  }
  // Only a checkpoint that extends the last one becomes the new reference: a fork keeps failing.
  if (logFailures.length === 0) VERIFY_NOTICES.logCheckpoint.set(store, note.value);
  return { logFailures, checkpoint, previous, trustedOnFirstUse, reports };
}

async function verifyEntry(client: LogClient, checkpoint: Checkpoint, reportId: string, body: string, leafIndex: number, receiptHash: Buffer): Promise<ReportVerdict> {
  const failed = (code: CollectorErrorCode, detail: string): ReportVerdict => ({ reportId, result: 'failed', leafIndex, code, detail });
  const leafHash = hashLeaf(Buffer.from(body, 'utf8'));
  if (!leafHash.equals(receiptHash)) return failed('RECEIPT_MISMATCH', 'the receipt names a leaf that is not the hash of the bytes sent');
  if (leafIndex >= checkpoint.treeSize) return failed('REPORT_NOT_IN_LOG', `receipt leaf ${leafIndex} is beyond the checkpoint's ${checkpoint.treeSize} leaves`);
  const proof = await client.inclusion(leafHash, checkpoint.treeSize);
  if (!proof.ok) {
    if (proof.status === 404) return failed('REPORT_NOT_IN_LOG', `the log of ${checkpoint.treeSize} leaves does not hold it (receipt leaf ${leafIndex})`);
    return failed(proof.status === null ? 'LOG_UNREACHABLE' : 'PROOF_INVALID', `inclusion proof: ${proof.detail}`);
  }
  if (proof.value.leafIndex !== leafIndex) return failed('REPORT_NOT_IN_LOG', `the log holds it at leaf ${proof.value.leafIndex}, not at receipt leaf ${leafIndex}`);
  if (!verifyInclusion(leafIndex, checkpoint.treeSize, leafHash, proof.value.hashes, checkpoint.rootHash)) {
    return failed('PROOF_INVALID', `the inclusion proof of leaf ${leafIndex} does not lead to the checkpoint's root`);
  }
  return { reportId, result: 'ok', leafIndex, detail: `leaf ${leafIndex} of ${checkpoint.treeSize}` };
}
