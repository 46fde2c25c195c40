// A receipt: where the receiver's log holds a report, as the answer to POST /v1/reports (and the
// receipts file of an import) carries it. The leaf hash is SHA-256(0x00 || the exact report bytes),
// so the sender can recompute it from what it sent.

import { HASH_BYTES } from './merkle.js';

export interface Receipt {
  /** Position of the leaf in the log, from 0. */
  readonly leafIndex: number;
  /** 32-byte leaf hash. */
  readonly leafHash: Buffer;
}

/** The JSON form: `{"leaf_index": 7, "leaf_hash": "<64 lowercase hex digits>"}`. */
export interface ReceiptJson {
  readonly leaf_index: number;
  readonly leaf_hash: string;
}

export function receiptToJson(receipt: Receipt): ReceiptJson {
  return { leaf_index: receipt.leafIndex, leaf_hash: receipt.leafHash.toString('hex') };
}

/** Parses the JSON form; undefined for anything else. */
export function receiptFromJson(value: unknown): Receipt | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { leaf_index: leafIndex, leaf_hash: leafHash } = value as Record<string, unknown>;
  if (!Number.isSafeInteger(leafIndex) || (leafIndex as number) < 0) return undefined;
  if (typeof leafHash !== 'string' || !new RegExp(`^[0-9a-f]{${HASH_BYTES * 2}}$`).test(leafHash)) return undefined;
  return { leafIndex: leafIndex as number, leafHash: Buffer.from(leafHash, 'hex') };
}
