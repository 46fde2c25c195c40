// Read-only views of a state file for the CLI (preview, status). They open the file read-only, so
// they work while a collector runs (WAL readers never block the writer) and never create state.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CollectorConfig } from '@lunadefend/config';
import { reportBody } from '../window/report-body.js';
import { META } from './state-identity.js';
import { openStateStore, STATE_FILE_NAME, type StateStore } from './state-store.js';
import type { DeadLetter, LedgerEntry, OutboxEntry } from './tables.js';

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
  readonly clockSkew: { readonly skewMs: number; readonly atMs: number } | undefined;
}

function withReadonlyStore<T>(directory: string, fn: (store: StateStore) => T): T | undefined {
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
    const lastSend = store.metadata.get(META.lastSend);
    const lastStart = store.metadata.get(META.lastStart);
    const clockSkew = store.metadata.get(META.clockSkew);
    return {
      exists: true,
      lastStart: lastStart === undefined ? undefined : (JSON.parse(lastStart) as LastStart),
      fallbackStackId: store.metadata.get(META.fallbackStackId),
      openReports: store.windows.groups().length,
      outbox: store.outbox.list(),
      deadLetters: store.deadLetters.list(),
      ledgerEntries: store.ledger.count(),
      reportsExpired: Number(store.metadata.get(META.reportsExpired) ?? '0'),
      lastSend: lastSend === undefined ? undefined : (JSON.parse(lastSend) as LastSend),
      clockSkew: clockSkew === undefined ? undefined : (JSON.parse(clockSkew) as { skewMs: number; atMs: number }),
    };
  });
  return snapshot ?? { exists: false, lastStart: undefined, fallbackStackId: undefined, openReports: 0, outbox: [], deadLetters: [], ledgerEntries: 0, reportsExpired: 0, lastSend: undefined, clockSkew: undefined };
}

export interface ReportPreview {
  /** Reports of windows still open (or ended but not sealed yet), as they would be sent now. */
  readonly open: readonly string[];
  /** Sealed reports waiting in the outbox, exactly as they will be sent. */
  readonly outbox: readonly string[];
}

/** The exact bytes that would leave: the open windows' reports and the outbox. */
export function previewReports(config: CollectorConfig): ReportPreview {
  const windowMs = config.processors.lunadefend_aggregate.window;
  const preview = withReadonlyStore(config.extensions.file_storage.directory, (store) => ({
    open: store.windows.groups().map((group) => reportBody(group, windowMs).body),
    outbox: store.outbox.list().map((entry) => entry.body),
  }));
  return preview ?? { open: [], outbox: [] };
}

/** Every ledger entry, oldest first (empty without a state file). */
export function readLedger(directory: string): LedgerEntry[] {
  return withReadonlyStore(directory, (store) => store.ledger.list()) ?? [];
}
