// The state file's `metadata` table is a notice board that several components pin notes on. Each
// note has one owner, the section it is declared in below, and a type; the owner writes it and
// anyone may read it. import-direction.test.ts checks that a section is written only from its
// owner's files and that nothing else touches the raw table.

import type { Tables } from './tables.js';

type Metadata = Tables['metadata'];
type Store = { readonly metadata: Metadata };

export interface Notice<T> {
  readonly key: string;
  get(store: Store): T | undefined;
  set(store: Store, value: T): void;
}

function notice<T>(key: string, parse: (text: string) => T, format: (value: T) => string): Notice<T> {
  return {
    key,
    get: (store) => {
      const text = store.metadata.get(key);
      return text === undefined ? undefined : parse(text);
    },
    set: (store, value) => store.metadata.set(key, format(value)),
  };
}

const text = (key: string) => notice<string>(key, (t) => t, (v) => v);
const bigint = (key: string) => notice<bigint>(key, (t) => BigInt(t), (v) => v.toString());
const integer = (key: string) => notice<number>(key, (t) => Number(t), (v) => String(v));
const json = <T>(key: string) => notice<T>(key, (t) => JSON.parse(t) as T, (v) => JSON.stringify(v));

export interface LastSend {
  readonly atMs: number;
  readonly outcome: string;
  readonly status?: number | null;
  readonly code?: string;
}

export interface LastStart {
  readonly atMs: number;
  readonly mode: string;
  readonly decidedBy: string;
}

export interface StoredClockSkew {
  readonly skewMs: number;
  readonly atMs: number;
}

/** Owner: state/state-identity.ts — the facts the file is born with (the epoch may only be lowered). */
export const IDENTITY_NOTICES = {
  epochNs: bigint('epoch_ns'),
  fallbackStackId: text('fallback_stack_id'),
  streamKeySecret: text('stream_key_secret'),
};

/** Owner: delta/ — latest start time of any evicted stream: a stream first seen with a start at or before it may have been counted already. */
export const DELTA_NOTICES = {
  evictedStartNs: bigint('evicted_start_ns'),
};

/** Owner: export/ — what `status` shows of delivery. */
export const EXPORT_NOTICES = {
  lastSend: json<LastSend>('last_send'),
  /** The receiver's clock minus ours as last measured from its Date header. */
  clockSkew: json<StoredClockSkew>('clock_skew'),
  reportsExpired: integer('reports_expired'),
};

/** Owner: collector.ts — mode of the collector that last started on this state file: status shows it beside its own decision. */
export const START_NOTICES = {
  lastStart: json<LastStart>('last_start'),
};

/** Owner: transparency/ — what `verify` trusts and has checked. */
export const VERIFY_NOTICES = {
  /** The receiver's log key trusted on first use (when none is pinned in configuration). */
  logPublicKey: text('log_public_key'),
  /** The last checkpoint verified; the next one must extend it. */
  logCheckpoint: text('log_checkpoint'),
};

/** Owner: state/state-handle.ts — a write that proves the file can be written (health). */
export const HEALTH_NOTICES = {
  probe: integer('health_probe'),
};
