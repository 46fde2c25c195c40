import { describe, expect, it } from 'vitest';
import { hashLeaf } from '../transparency/merkle.js';
import { formatExportFile, formatReceiptsFile, parseExportFile, parseReceiptsFile } from './export-file.js';

const reports = [
  { reportId: '0b9f5f0e-6c1e-4f57-9a8e-2f1d8a4b7c11', body: '{"report_id":"0b9f5f0e-6c1e-4f57-9a8e-2f1d8a4b7c11","metrics":{"a":1}}' },
  { reportId: '3d9c49ce-8367-43ec-8884-568c8d43faec', body: '{"report_id":"3d9c49ce-8367-43ec-8884-568c8d43faec","metrics":{"a":2},"é":"ü"}' },
];

describe('air-gapped files', () => {
  it('round-trips the exact report bytes and names the manifest hash', () => {
    const text = formatExportFile(reports, '2026-11-30T12:00:00Z');
    const parsed = parseExportFile(text);
    expect(parsed.ok && parsed.value.reports).toEqual(reports);
    expect(parsed.ok && parsed.value.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a truncated, an altered, a reordered and a foreign export file, saying which', () => {
    const text = formatExportFile(reports, '2026-11-30T12:00:00Z');
    const error = (t: string) => {
      const r = parseExportFile(t);
      return r.ok ? 'accepted' : r.error;
    };
    expect(error(text.slice(0, -5))).toMatch(/truncated/);
    expect(error(text.split('\n').slice(0, 4).join('\n'))).toMatch(/truncated/);
    expect(error(text.replace('"a":2', '"a":3'))).toMatch(/altered: report 2/);
    expect(error(text.replace('2026-11-30', '2026-11-29'))).toMatch(/altered: its manifest/);
    const lines = text.split('\n');
    expect(error([...lines.slice(0, 3), lines[4], lines[3], ...lines.slice(5)].join('\n'))).toMatch(/altered: report 1/);
    expect(error('hello\n')).toMatch(/not a LunaDefend export file/);
    expect(error(`${text}extra\n`)).toMatch(/truncated/);
  });

  it('round-trips receipts and refuses an altered receipts file', () => {
    const receipts = [
      { reportId: reports[0]!.reportId, outcome: 'accepted' as const, receipt: { leafIndex: 3, leafHash: hashLeaf(Buffer.from(reports[0]!.body)) }, error: undefined },
      { reportId: reports[1]!.reportId, outcome: 'rejected' as const, receipt: undefined, error: 'window_too_old' },
    ];
    const text = formatReceiptsFile('ab'.repeat(32), receipts);
    expect(parseReceiptsFile(text)).toEqual({ ok: true, value: { exportManifestSha256: 'ab'.repeat(32), receipts } });
    const altered = parseReceiptsFile(text.replace('"leaf_index":3', '"leaf_index":4'));
    expect(altered.ok ? 'accepted' : altered.error).toMatch(/altered/);
    expect(parseReceiptsFile(formatReceiptsFile('x', receipts).slice(0, 30)).ok).toBe(false);
  });
});
