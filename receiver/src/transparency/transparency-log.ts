// The receiver's view of the transparency log. The database holds the leaves (appended with the
// reports, see storage.ts); each replica keeps an in-memory hash tree and catches up with the
// database before answering, so every replica serves proofs of the one log the database orders.
// Checkpoints are signed on request for the size the replica has seen; Ed25519 signatures are
// deterministic, so two replicas at the same size publish the same bytes.

import { createHashTree, signCheckpoint, type NoteSigner } from '@lunadefend/config';
import type { Storage } from '../storage/storage.js';

export interface InclusionAnswer {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly hashes: Buffer[];
}

export type LogLookup<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: 'beyond-size' | 'not-found' };

export interface TransparencyLog {
  /** The verifier key text, or undefined when no key is configured (checkpoints off). */
  readonly verifierKey: string | undefined;
  /** Reads leaves appended since the last call (by any replica); calls made meanwhile join it. */
  sync(): Promise<number>;
  /** A signed checkpoint of the log as far as this replica has seen it; undefined without a key. */
  checkpoint(): Promise<string | undefined>;
  inclusion(leafHash: Buffer, treeSize: number): Promise<LogLookup<InclusionAnswer>>;
  consistency(first: number, second: number): Promise<LogLookup<Buffer[]>>;
}

export interface TransparencyLogOptions {
  readonly storage: Storage;
  readonly signer: NoteSigner | undefined;
  /** Leaves read per query while catching up. */
  readonly pageSize?: number;
}

export function createTransparencyLog(options: TransparencyLogOptions): TransparencyLog {
  const tree = createHashTree();
  const pageSize = options.pageSize ?? 10_000;
  let syncing: Promise<number> | undefined;

  const catchUp = async (): Promise<number> => {
    for (;;) {
      const leaves = await options.storage.logLeaves(tree.size, pageSize);
      for (const leaf of leaves) tree.append(leaf);
      if (leaves.length < pageSize) return tree.size;
    }
  };
  const sync = (): Promise<number> => {
    syncing ??= catchUp().finally(() => {
      syncing = undefined;
    });
    return syncing;
  };

  return {
    verifierKey: options.signer?.text,
    sync,
    async checkpoint() {
      if (options.signer === undefined) return undefined;
      const size = await sync();
      return signCheckpoint(size, tree.root(size), options.signer);
    },
    async inclusion(leafHash, treeSize) {
      if (treeSize > (await sync())) return { ok: false, reason: 'beyond-size' };
      const leafIndex = await options.storage.logLeafIndex(leafHash);
      if (leafIndex === undefined || leafIndex >= treeSize) return { ok: false, reason: 'not-found' };
      return { ok: true, value: { leafIndex, treeSize, hashes: tree.inclusionProof(leafIndex, treeSize) } };
    },
    async consistency(first, second) {
      if (first > second || second > (await sync())) return { ok: false, reason: 'beyond-size' };
      return { ok: true, value: tree.consistencyProof(first, second) };
    },
  };
}
