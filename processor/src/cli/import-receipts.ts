// `import-receipts FILE`: air-gapped delivery, back at the collector. Completes exported reports
// from the receipts file `lunadefend-receiver import` wrote: accepted or duplicate → out of the
// outbox into the ledger with the receipt; rejected → dead letters with the receiver's error.
// The whole file is checked first (format, hash, every receipt against the exact bytes exported)
// and applied in one transaction, or refused with nothing changed. Importing it twice is harmless.

import { readFileSync } from 'node:fs';
import { hashLeaf, parseReceiptsFile, type CollectorConfig, type ImportReceipt } from '@lunadefend/config';
import { openStateStore } from '../state/state-store.js';
import type { OutboxEntry } from '../model/rows.js';

export function importReceiptsCommand(config: CollectorConfig, path: string, nowMs: number, out: (line: string) => void, err: (line: string) => void): number {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    err(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    return 1;
  }
  const parsed = parseReceiptsFile(text);
  if (!parsed.ok) {
    err(`refused ${path}: ${parsed.error}; nothing changed`);
    return 1;
  }
  const store = openStateStore({ directory: config.extensions.file_storage.directory });
  try {
    const delivered = new Set(store.ledger.list().map((e) => e.reportId));
    const todo: { receipt: ImportReceipt; entry: OutboxEntry }[] = [];
    let already = 0;
    for (const receipt of parsed.value.receipts) {
      const entry = store.outbox.find(receipt.reportId);
      if (entry === undefined) {
        if (delivered.has(receipt.reportId)) {
          already++;
          continue;
        }
        err(`refused ${path}: it answers report ${receipt.reportId}, which this collector did not export; nothing changed`);
        return 1;
      }
      if (receipt.receipt !== undefined && !receipt.receipt.leafHash.equals(hashLeaf(Buffer.from(entry.body, 'utf8')))) {
        err(`refused ${path}: the receipt of report ${receipt.reportId} is not for the bytes exported; nothing changed`);
        return 1;
      }
      todo.push({ receipt, entry });
    }
    store.transaction(() => {
      for (const { receipt, entry } of todo) {
        store.outbox.delete(entry.reportId);
        if (receipt.outcome === 'rejected') {
          const error = `import ${receipt.error ?? 'rejected'}`;
          store.deadLetters.insert({ reportId: entry.reportId, windowEndMs: entry.windowEndMs, body: entry.body, status: null, error, deadAtMs: nowMs });
        } else {
          store.ledger.append({
            reportId: entry.reportId,
            deliveredAtMs: nowMs,
            outcome: receipt.outcome,
            status: receipt.outcome === 'accepted' ? 202 : 200,
            body: entry.body,
            leafIndex: receipt.receipt?.leafIndex ?? null,
            leafHash: receipt.receipt?.leafHash.toString('hex') ?? null,
          });
        }
      }
    });
    const count = (o: string) => todo.filter((t) => t.receipt.outcome === o).length;
    out(`completed ${todo.length} report(s): ${count('accepted')} accepted, ${count('duplicate')} duplicate, ${count('rejected')} rejected (dead letters); ${already} already completed before`);
    return 0;
  } finally {
    store.close();
  }
}
