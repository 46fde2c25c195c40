// Human labels for report keys and operations, derived from the catalog names so that a new
// catalog entry is labelled without touching the dashboard ("createGrantFailure" → "Create grant failure").

import { REPORT_KEYS } from '@lunadefend/config';

export function labelOf(camelCase: string): string {
  const words = camelCase.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const METRIC_LABELS: readonly { key: string; label: string }[] = Object.freeze(
  REPORT_KEYS.map((key) => ({ key, label: labelOf(key) })),
);
