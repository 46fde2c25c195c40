// Checkpoints in the C2SP tlog-checkpoint format: the note text "<origin>\n<tree size>\n<base64 root
// hash>\n", signed as a signed note by the log's key. What the receiver publishes and what the
// collector's `verify` checks; both ends read and write it only through this module.

import { HASH_BYTES } from './merkle.js';
import { openNote, signNote, type NoteSigner, type NoteVerifier } from './signed-note.js';

export interface Checkpoint {
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: Buffer;
}

/** The note text of a checkpoint (what is signed). */
export function checkpointText(checkpoint: Checkpoint): string {
  return `${checkpoint.origin}\n${checkpoint.treeSize}\n${checkpoint.rootHash.toString('base64')}\n`;
}

/** A signed checkpoint note; the origin is the signer's key name. */
export function signCheckpoint(treeSize: number, rootHash: Buffer, signer: NoteSigner): string {
  return signNote(checkpointText({ origin: signer.name, treeSize, rootHash }), signer);
}

/** Parses a checkpoint's note text; undefined when it is not one. Extension lines are ignored. */
export function parseCheckpointText(text: string): Checkpoint | undefined {
  const [origin = '', sizeText = '', rootText = ''] = text.split('\n');
  if (origin === '' || !/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || !/^[A-Za-z0-9+/]{43}=$/.test(rootText)) return undefined;
  const treeSize = Number(sizeText);
  const rootHash = Buffer.from(rootText, 'base64');
  if (!Number.isSafeInteger(treeSize) || rootHash.length !== HASH_BYTES) return undefined;
  return { origin, treeSize, rootHash };
}

export type CheckpointOpening =
  | { readonly ok: true; readonly checkpoint: Checkpoint }
  | { readonly ok: false; readonly reason: 'malformed' | 'unknown-key' | 'bad-signature' | 'wrong-origin' };

/** Opens a signed checkpoint with the pinned verifier: signature first, then shape and origin. */
export function openCheckpoint(note: string, verifier: NoteVerifier): CheckpointOpening {
  const opened = openNote(note, verifier);
  if (!opened.ok) return opened;
  const checkpoint = parseCheckpointText(opened.text);
  if (checkpoint === undefined) return { ok: false, reason: 'malformed' };
  if (checkpoint.origin !== verifier.name) return { ok: false, reason: 'wrong-origin' };
  return { ok: true, checkpoint };
}
