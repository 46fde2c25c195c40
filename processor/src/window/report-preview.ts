// The exact bytes that would leave this deployment (`preview`): the open windows' reports as they
// would be sealed now, and the sealed ones waiting in the outbox. Read-only, so it works while a
// collector runs, and it never creates a state file.

import type { CollectorConfig } from '@lunadefend/config';
import { withReadonlyStore } from '../state/state-reader.js';
import { reportBody } from './report-body.js';

export interface ReportPreview {
  /** Reports of windows still open (or ended but not sealed yet), as they would be sent now. */
  readonly open: readonly string[];
  /** Sealed reports waiting in the outbox, exactly as they will be sent. */
  readonly outbox: readonly string[];
}

export function previewReports(config: CollectorConfig): ReportPreview {
  const windowMs = config.processors.lunadefend_aggregate.window;
  const preview = withReadonlyStore(config.extensions.file_storage.directory, (store) => ({
    open: store.windows.groups().map((group) => reportBody(group, windowMs).body),
    outbox: store.outbox.list().map((entry) => entry.body),
  }));
  return preview ?? { open: [], outbox: [] };
}
