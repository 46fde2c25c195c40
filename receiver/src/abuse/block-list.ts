// The admin-managed block list, cached in memory: every replica reloads it from storage at most
// every `refreshMs`, so a block made on one replica (or with `lunadefend-receiver block`) takes
// effect everywhere within that delay, without a database read per report.

import type { Storage } from '../storage/storage.js';

export interface BlockListOptions {
  readonly storage: Storage;
  /** Default 10 s. */
  readonly refreshMs?: number;
  readonly nowMs: () => number;
}

export interface BlockList {
  isBlocked(stackId: string): Promise<boolean>;
  /** Forces a reload on the next check (after a change through this replica). */
  invalidate(): void;
}

export function createBlockList(options: BlockListOptions): BlockList {
  const refreshMs = options.refreshMs ?? 10_000;
  let blocked = new Set<string>();
  let loadedAtMs = Number.NEGATIVE_INFINITY;
  let loading: Promise<void> | undefined;

  const load = (): Promise<void> => {
    loading ??= options.storage
      .blockedStacks()
      .then((list) => {
        blocked = new Set(list.map((s) => s.stackId));
        loadedAtMs = options.nowMs();
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };

  return {
    async isBlocked(stackId) {
      if (options.nowMs() - loadedAtMs >= refreshMs) await load();
      return blocked.has(stackId);
    },
    invalidate() {
      loadedAtMs = Number.NEGATIVE_INFINITY;
    },
  };
}
