// `lunadefend-receiver import FILE`: air-gapped delivery, receiver side. The file is checked as a
// whole first (format, manifest hash, every report's bytes); then each report's exact bytes go
// through the receiver's own POST /v1/reports on a loopback port only this process uses, so an
// imported report passes every check a sent one does and lands in the log as the same leaf. Only
// the per-client rate limit and the ingest keys are off (there is no network client: whoever runs
// the import already holds the database). A second import of the same file stores nothing new:
// every report answers "duplicate" with its receipt.

import { writeFileSync } from 'node:fs';
import { formatReceiptsFile, parseExportFile, receiptFromJson, type ImportReceipt } from '@lunadefend/config';
import type { Logger } from 'pino';
import type { ReceiverConfig } from '../config.js';
import { createReceiver } from '../receiver.js';

export interface ImportSummary {
  readonly receipts: readonly ImportReceipt[];
  readonly receiptsPath: string;
}

export type ImportResult = { readonly ok: true; readonly value: ImportSummary } | { readonly ok: false; readonly error: string };

const MAX_ATTEMPTS = 5;

export async function importExportFile(config: ReceiverConfig, text: string, receiptsPath: string, logger: Logger): Promise<ImportResult> {
  const parsed = parseExportFile(text);
  if (!parsed.ok) return parsed;
  const receiver = createReceiver({ config: { ...config, host: '127.0.0.1', port: 0, tls: undefined, clientRateLimit: undefined, ingestKeysFile: undefined }, logger, retention: false });
  const receipts: ImportReceipt[] = [];
  try {
    const { url } = await receiver.start();
    for (const report of parsed.value.reports) receipts.push(await post(`${url}/v1/reports`, report.reportId, report.body));
  } finally {
    await receiver.shutdown();
  }
  writeFileSync(receiptsPath, formatReceiptsFile(parsed.value.manifestSha256, receipts), { mode: 0o600 });
  return { ok: true, value: { receipts, receiptsPath } };
}

/** One report, as a collector would send it; 429 and 503 are waited out like a collector would. */
async function post(url: string, reportId: string, body: string): Promise<ImportReceipt> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const answer = (await res.json().catch(() => ({}))) as { status?: unknown; receipt?: unknown; error?: unknown };
    if ((res.status === 429 || res.status === 503) && attempt < MAX_ATTEMPTS) {
      const seconds = Number(res.headers.get('retry-after') ?? '1');
      await new Promise((resolve) => setTimeout(resolve, Math.min(60, Math.max(1, seconds)) * 1000));
      continue;
    }
    if (res.status === 202 || res.status === 200) {
      return { reportId, outcome: res.status === 202 ? 'accepted' : 'duplicate', receipt: receiptFromJson(answer.receipt), error: undefined };
    }
    return { reportId, outcome: 'rejected', receipt: undefined, error: typeof answer.error === 'string' ? answer.error : `HTTP ${res.status}` };
  }
}
