// `verify`: checks the receiver's transparency log against this collector's ledger (see
// transparency/verify-ledger.ts) and prints one verdict per delivered report. Exit 0 when every
// check holds, 1 naming each failure. Trusting a key on first use is announced loudly: until it
// is pinned in configuration, a receiver that swapped its key before the first run goes unnoticed.

import type { CollectorConfig } from '@lunadefend/config';
import { openStateStore } from '../state/state-store.js';
import { createLogClient } from '../transparency/log-client.js';
import { verifyLedger } from '../transparency/verify-ledger.js';

export async function verifyCommand(config: CollectorConfig, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const exporter = config.exporters.lunadefend;
  const client = createLogClient({ reportEndpoint: exporter.endpoint, timeoutMs: exporter.timeout });
  const store = openStateStore({ directory: config.extensions.file_storage.directory });
  let outcome: Awaited<ReturnType<typeof verifyLedger>>;
  try {
    outcome = await verifyLedger(store, client, exporter.log_public_key);
  } finally {
    store.close();
  }
  if (outcome.trustedOnFirstUse !== undefined) {
    err('NOTICE: no log key is pinned (exporters.lunadefend.log_public_key); trusting the key the receiver serves now, on first use,');
    err(`NOTICE: and recording it in the state. Compare it with the vendor's published key, then pin it:`);
    err(`NOTICE:   log_public_key: ${outcome.trustedOnFirstUse}`);
  }
  const { checkpoint, previous } = outcome;
  if (checkpoint !== undefined) {
    out(`log:        ${client.base} (${checkpoint.origin})`);
    out(`checkpoint: ${checkpoint.treeSize} leaves, root ${checkpoint.rootHash.toString('hex')}`);
    out(`previous:   ${previous === undefined ? 'none (first verification)' : `${previous.treeSize} leaves`}`);
  }
  for (const failure of outcome.logFailures) out(`FAILED  log  ${failure.code}: ${failure.detail}`);
  for (const r of outcome.reports) {
    const label = r.result === 'ok' ? 'ok     ' : r.result === 'failed' ? 'FAILED ' : 'skipped';
    out(`${label} ${r.reportId}  ${r.result === 'failed' ? `${r.code}: ` : ''}${r.detail}`);
  }
  const failed = outcome.reports.filter((r) => r.result === 'failed');
  const proven = outcome.reports.filter((r) => r.result === 'ok').length;
  if (outcome.logFailures.length === 0 && failed.length === 0) {
    out(`verified: ${proven} report(s) in the log; the log extends the checkpoint verified before`);
    return 0;
  }
  const named = [...outcome.logFailures.map((f) => f.code), ...failed.map((r) => `${r.reportId} (${r.code})`)];
  err(`verify failed: ${named.join(', ')}`);
  return 1;
}
