// `export --out FILE`: air-gapped delivery, collector side. Writes every report waiting in the
// outbox (exact bytes, with a manifest and its SHA-256) to a new file and marks them exported:
// they stay in the outbox — neither sent nor expired — until `import-receipts` brings back the
// receiver's answer, so a lost file loses nothing (export again; the receiver removes duplicates).

import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { formatExportFile, formatUtcTimestamp, type CollectorConfig } from '@lunadefend/config';
import { openStateStore } from '../state/state-store.js';

export function exportCommand(config: CollectorConfig, outPath: string, nowMs: number, out: (line: string) => void, err: (line: string) => void): number {
  const store = openStateStore({ directory: config.extensions.file_storage.directory });
  try {
    const entries = store.outbox.list();
    if (entries.length === 0) {
      out('the outbox is empty: nothing to export');
      return 0;
    }
    const text = formatExportFile(entries.map((e) => ({ reportId: e.reportId, body: e.body })), formatUtcTimestamp(nowMs));
    let fd: number;
    try {
      fd = openSync(outPath, 'wx', 0o600);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      err(`cannot create ${outPath}: ${code === 'EEXIST' ? 'the file exists (choose a new name)' : (code ?? 'error')}`);
      return 1;
    }
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // Marked only once the file is durably written.
    store.transaction(() => {
      for (const e of entries) store.outbox.markExported(e.reportId, nowMs);
    });
    const manifest = text.split('\n')[2] ?? '';
    out(`exported ${entries.length} report(s) to ${outPath} (${manifest})`);
    out('they stay in the outbox until `lunadefend-collector import-receipts <receipts file>` completes them');
    return 0;
  } finally {
    store.close();
  }
}
