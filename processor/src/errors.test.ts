import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COLLECTOR_ERRORS, isRetryable, type CollectorErrorCode } from './errors.js';
import { DROP_REASONS, REJECT_REASONS } from './model/reasons.js';

const doc = readFileSync(fileURLToPath(new URL('../../docs/errors.md', import.meta.url)), 'utf8');
const collectorSection = doc.slice(doc.indexOf('## Collector'), doc.indexOf('## Receiver'));

/** First-column codes of the markdown tables under `heading` (up to the next heading). */
function tableCodes(section: string, heading?: string): string[] {
  let text = section;
  if (heading !== undefined) {
    const at = section.indexOf(heading);
    text = section.slice(at + heading.length);
    const next = text.indexOf('\n#');
    if (next >= 0) text = text.slice(0, next);
  } else {
    const next = text.indexOf('\n### ');
    if (next >= 0) text = text.slice(0, next);
  }
  return [...text.matchAll(/^\| `([a-zA-Z_]+)` \|/gm)].map((m) => m[1] ?? '');
}

describe('docs/errors.md, Collector section', () => {
  it('has both sections', () => {
    expect(doc).toContain('## Collector');
    expect(doc).toContain('## Receiver');
    expect(collectorSection.length).toBeGreaterThan(100);
  });

  it('lists exactly the collector error codes, with their retry class', () => {
    expect(tableCodes(collectorSection).sort()).toEqual(Object.keys(COLLECTOR_ERRORS).sort());
    for (const code of Object.keys(COLLECTOR_ERRORS) as CollectorErrorCode[]) {
      const row = collectorSection.split('\n').find((line) => line.startsWith(`| \`${code}\` |`)) ?? '';
      expect(row.split('|')[2]?.trim(), code).toBe(isRetryable(code) ? 'yes' : 'no');
    }
  });

  it('lists exactly the partial_success reject reasons and the drop reasons', () => {
    expect(tableCodes(collectorSection, '### Data points refused in `partial_success`').sort()).toEqual([...REJECT_REASONS].sort());
    expect(tableCodes(collectorSection, '### Data points left out on purpose').sort()).toEqual([...DROP_REASONS].sort());
  });
});
