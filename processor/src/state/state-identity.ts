// The facts a state file is born with and keeps: its epoch (streams that started before it are
// baselines only), the fallback stack id, and the secret that keys stream hashes. They are made
// once, in one transaction, the first time the file is opened for writing.

import { randomBytes, randomUUID } from 'node:crypto';
import type { StateStore } from './state-store.js';

export const META = {
  epochNs: 'epoch_ns',
  fallbackStackId: 'fallback_stack_id',
  streamKeySecret: 'stream_key_secret',
  /** Latest start time of any evicted stream: a stream first seen with a start at or before it may have been counted already. */
  evictedStartNs: 'evicted_start_ns',
  lastSend: 'last_send',
  /** The receiver's clock minus ours as last measured from its Date header: status shows it. */
  clockSkew: 'clock_skew',
  /** Mode of the collector that last started on this state file: status shows it beside its own decision. */
  lastStart: 'last_start',
  reportsExpired: 'reports_expired',
  /** The receiver's log key trusted on first use by `verify` (when none is pinned in configuration). */
  logPublicKey: 'log_public_key',
  /** The last checkpoint `verify` checked; the next one must extend it. */
  logCheckpoint: 'log_checkpoint',
} as const;

export interface StateIdentity {
  readonly epochNs: bigint;
  readonly fallbackStackId: string;
  readonly streamKeySecret: Buffer;
}

export interface IdentityOptions {
  readonly nowMs: number;
  readonly newUuid?: () => string;
}

/** Reads the identity of the state file, creating it on first use. */
export function loadStateIdentity(store: StateStore, options: IdentityOptions): StateIdentity {
  return store.transaction(() => {
    let epoch = store.metadata.get(META.epochNs);
    if (epoch === undefined) {
      epoch = (BigInt(options.nowMs) * 1_000_000n).toString();
      store.metadata.set(META.epochNs, epoch);
    }
    let stackId = store.metadata.get(META.fallbackStackId);
    if (stackId === undefined) {
      stackId = (options.newUuid ?? randomUUID)();
      store.metadata.set(META.fallbackStackId, stackId);
    }
    let secret = store.metadata.get(META.streamKeySecret);
    if (secret === undefined) {
      secret = randomBytes(32).toString('hex');
      store.metadata.set(META.streamKeySecret, secret);
    }
    return { epochNs: BigInt(epoch), fallbackStackId: stackId, streamKeySecret: Buffer.from(secret, 'hex') };
  });
}
