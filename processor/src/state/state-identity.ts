// The facts a state file is born with and keeps: its epoch (streams that started before it are
// baselines only), the fallback stack id, and the secret that keys stream hashes. They are made
// once, in one transaction, the first time the file is opened for writing.

import { randomBytes, randomUUID } from 'node:crypto';
import { IDENTITY_NOTICES } from './notice-board.js';
import type { StateStore } from './state-store.js';

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
    let epochNs = IDENTITY_NOTICES.epochNs.get(store);
    if (epochNs === undefined) {
      epochNs = BigInt(options.nowMs) * 1_000_000n;
      IDENTITY_NOTICES.epochNs.set(store, epochNs);
    }
    let stackId = IDENTITY_NOTICES.fallbackStackId.get(store);
    if (stackId === undefined) {
      stackId = (options.newUuid ?? randomUUID)();
      IDENTITY_NOTICES.fallbackStackId.set(store, stackId);
    }
    let secret = IDENTITY_NOTICES.streamKeySecret.get(store);
    if (secret === undefined) {
      secret = randomBytes(32).toString('hex');
      IDENTITY_NOTICES.streamKeySecret.set(store, secret);
    }
    return { epochNs, fallbackStackId: stackId, streamKeySecret: Buffer.from(secret, 'hex') };
  });
}

/**
 * Our clock reads earlier than the epoch, which was taken from a clock that was ahead: the epoch
 * becomes `nowNs` (to-delta decides when). Must be called inside a store transaction.
 */
export function lowerStateEpoch(store: StateStore, nowNs: bigint): void {
  IDENTITY_NOTICES.epochNs.set(store, nowNs);
}
