// `ledger`: every report that left this deployment (or, in local mode, would have left), read
// from the state file's append-only ledger: when, the outcome, and the SHA-256 of its exact bytes;
// `--json` adds the bytes themselves. One row formatter and one JSON shape, so a new column is
// one change in each.

import { createHash } from 'node:crypto';
import { formatUtcTimestamp } from '@lunadefend/config';
import { readLedger } from '../state/state-reader.js';
import type { LedgerEntry } from '../model/rows.js';

export interface LedgerRow {
  readonly reportId: string;
  readonly deliveredAt: string;
  /** accepted | duplicate | local */
  readonly outcome: string;
  readonly httpStatus: number | null;
  readonly windowStart: string | null;
  readonly sha256: string;
  /** The receiver's receipt: where its transparency log holds the report (null: none given). */
  readonly receipt: { readonly leafIndex: number; readonly leafHash: string } | null;
  /** What `verify` last found: "proven in <size>", "failed: <code>: …", "not verified yet" or "no receipt". */
  readonly verification: string;
  /** The exact bytes that were sent, as sent. */
  readonly body: string;
}

export function ledgerRow(entry: LedgerEntry): LedgerRow {
  return {
    reportId: entry.reportId,
    deliveredAt: formatUtcTimestamp(entry.deliveredAtMs),
    outcome: entry.outcome,
    httpStatus: entry.status,
    windowStart: windowStartOf(entry.body),
    sha256: createHash('sha256').update(entry.body, 'utf8').digest('hex'),
    receipt: entry.leafIndex === null || entry.leafIndex === undefined || entry.leafHash === null || entry.leafHash === undefined ? null : { leafIndex: entry.leafIndex, leafHash: entry.leafHash },
    verification: verificationOf(entry),
    body: entry.body,
  };
}

function verificationOf(entry: LedgerEntry): string {
  if (entry.leafIndex === null || entry.leafIndex === undefined) return entry.outcome === 'local' ? '-' : 'no receipt';
  if (entry.verifyError !== null && entry.verifyError !== undefined) return `failed: ${entry.verifyError}`;
  if (entry.verifiedTreeSize !== null && entry.verifiedTreeSize !== undefined) return `proven in ${entry.verifiedTreeSize}`;
  return 'not verified yet';
}

export const LEDGER_HEADER =
  'delivered at           outcome    http  window start           report id                             sha256                                                           leaf      verified';

/** One text line per entry (never the body). */
export function formatLedgerRow(row: LedgerRow): string {
  return [
    row.deliveredAt.padEnd(22),
    row.outcome.padEnd(10),
    String(row.httpStatus ?? '-').padEnd(5),
    (row.windowStart ?? '?').padEnd(22),
    row.reportId.padEnd(37),
    row.sha256.padEnd(64),
    String(row.receipt?.leafIndex ?? '-').padEnd(9),
    row.verification,
  ].join(' ');
}

export function ledgerCommand(directory: string, options: { json: boolean; sinceDay: string | undefined }, out: (line: string) => void): number {
  const sinceMs = options.sinceDay === undefined ? Number.NEGATIVE_INFINITY : Date.parse(`${options.sinceDay}T00:00:00Z`);
  const rows = readLedger(directory).filter((e) => e.deliveredAtMs >= sinceMs).map(ledgerRow);
  if (options.json) {
    out(JSON.stringify(rows, null, 2));
    return 0;
  }
  out(`# ${rows.length} report(s) in the ledger${options.sinceDay === undefined ? '' : ` since ${options.sinceDay}`}; \`ledger --json\` shows their exact bytes`);
  if (rows.length > 0) out(LEDGER_HEADER);
  for (const row of rows) out(formatLedgerRow(row));
  return 0;
}

function windowStartOf(body: string): string | null {
  try {
    const start = (JSON.parse(body) as { window?: { start?: unknown } }).window?.start;
    return typeof start === 'string' ? start : null;
  } catch {
    return null;
  }
}
