// `preview`: the exact bytes that would leave this deployment — one report per line, first the
// open windows' reports as they stand now, then the sealed ones waiting in the outbox. Comment
// lines start with '#', so the report lines can be compared byte for byte with what is sent.

import type { CollectorConfig } from '@lunadefend/config';
import { previewReports } from '../window/report-preview.js';

export function previewCommand(config: CollectorConfig, out: (line: string) => void): number {
  const preview = previewReports(config);
  out(`# open windows: ${preview.open.length} report(s), as they would be sent if the window ended now`);
  for (const body of preview.open) out(body);
  out(`# outbox: ${preview.outbox.length} report(s) sealed and waiting to be sent, exactly as they will be sent`);
  for (const body of preview.outbox) out(body);
  return 0;
}
