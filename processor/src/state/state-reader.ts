// Read-only views of a state file for the CLI (status, ledger; window/report-preview.ts builds on
// it). They open the file read-only, so they work while a collector runs (WAL readers never block
// the writer) and never create state.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXPORT_NOTICES, IDENTITY_NOTICES, START_NOTICES, type LastSend, type LastStart, type StoredClockSkew } from './notice-board.js';
import { openStateStore, STATE_FILE_NAME, type StateStore } from './state-store.js';
import type { DeadLetter, LedgerEntry, OutboxEntry } from '../model/rows.js';

export interface CollectorStateSnapshot {
  readonly exists: boolean;
  /** Mode of the collector that last started on this state (off-mode collectors open no state). */
  readonly lastStart: LastStart | undefined;
  readonly fallbackStackId: string | undefined;
  readonly openReports: number;
  readonly outbox: readonly OutboxEntry[];
  readonly deadLetters: readonly DeadLetter[];
  readonly ledgerEntries: number;
  readonly reportsExpired: number;
  readonly lastSend: LastSend | undefined;
  /** The receiver's clock minus ours, as last measured from its Date header. */
  readonly clockSkew: StoredClockSkew | undefined;
}

/** Runs fn over the state file opened read-only; undefined when there is no state file. */
export function withReadonlyStore<T>(directory: string, fn: (store: StateStore) => T): T | undefined {
  if (!existsSync(join(directory, STATE_FILE_NAME))) return undefined;
  const store = openStateStore({ directory, readonly: true });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

/** Everything `status` shows. A missing state file reads as empty (exists: false). */
export function readCollectorState(directory: string): CollectorStateSnapshot {
  const snapshot = withReadonlyStore(directory, (store) => {
    return {
      exists: true,
      lastStart: START_NOTICES.lastStart.get(store),
      fallbackStackId: IDENTITY_NOTICES.fallbackStackId.get(store),
      openReports: store.windows.groups().length,
      outbox: store.outbox.list(),
      deadLetters: store.deadLetters.list(),
      ledgerEntries: store.ledger.count(),
      reportsExpired: EXPORT_NOTICES.reportsExpired.get(store) ?? 0,
      lastSend: EXPORT_NOTICES.lastSend.get(store),
      clockSkew: EXPORT_NOTICES.clockSkew.get(store),
    };
  });
  return snapshot ?? { exists: false, lastStart: undefined, fallbackStackId: undefined, openReports: 0, outbox: [], deadLetters: [], ledgerEntries: 0, reportsExpired: 0, lastSend: undefined, clockSkew: undefined };
}

/** Every ledger entry, oldest first (empty without a state file). */
export function readLedger(directory: string): LedgerEntry[] {
  return withReadonlyStore(directory, (store) => store.ledger.list()) ?? [];
}
