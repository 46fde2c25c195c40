// The two files of air-gapped delivery, carried by hand between a collector with no route to the
// receiver and the receiver: the export file (reports, exact bytes) and the receipts file (what
// the receiver did with each). Both are text: a format line, a one-line JSON manifest, the
// manifest's SHA-256, the items, and an end line — so a truncated, altered or foreign file is
// refused as a whole before anything is stored. Report bodies are compact JSON, one per line.

import { createHash } from 'node:crypto';
import { hashLeaf } from '../transparency/merkle.js';
import { receiptFromJson, receiptToJson, type Receipt, type ReceiptJson } from '../transparency/receipt.js';

const EXPORT_FORMAT = 'lunadefend-export 1';
const RECEIPTS_FORMAT = 'lunadefend-receipts 1';
const END = 'end';

export interface ExportedReport {
  readonly reportId: string;
  /** The exact bytes from the outbox, as a string (UTF-8). */
  readonly body: string;
}

export type FileReading<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function frame(format: string, manifest: unknown, items: readonly string[]): string {
  const text = JSON.stringify(manifest);
  return [format, `manifest ${text}`, `manifest-sha256 ${sha256(text)}`, ...items, END, ''].join('\n');
}

/** Splits a framed file; checks the format line, the manifest hash and the end line. */
function unframe(text: string, format: string, what: string): FileReading<{ manifest: Record<string, unknown>; items: string[]; digest: string }> {
  const lines = text.split('\n');
  if (lines[0] !== format) return { ok: false, error: `not a LunaDefend ${what} (its first line is not "${format}")` };
  const manifestText = lines[1]?.startsWith('manifest ') === true ? lines[1].slice('manifest '.length) : undefined;
  const digest = lines[2]?.startsWith('manifest-sha256 ') === true ? lines[2].slice('manifest-sha256 '.length) : undefined;
  if (manifestText === undefined || digest === undefined) return { ok: false, error: `${what} is truncated or malformed: no manifest` };
  if (sha256(manifestText) !== digest) return { ok: false, error: `${what} was altered: its manifest does not match the manifest's SHA-256` };
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(manifestText) as Record<string, unknown>;
  } catch {
    return { ok: false, error: `${what} is malformed: the manifest is not JSON` };
  }
  const endAt = lines.indexOf(END, 3);
  if (endAt === -1 || lines.length !== endAt + 2 || lines[endAt + 1] !== '') return { ok: false, error: `${what} is truncated: no end line after its items` };
  return { ok: true, value: { manifest, items: lines.slice(3, endAt), digest } };
}

/** The export file for these outbox entries. */
export function formatExportFile(reports: readonly ExportedReport[], createdAt: string): string {
  for (const r of reports) if (r.body.includes('\n')) throw new Error(`report ${r.reportId} spans lines`);
  const manifest = {
    created_at: createdAt,
    reports: reports.map((r) => ({ report_id: r.reportId, leaf_hash: hashLeaf(Buffer.from(r.body, 'utf8')).toString('hex'), bytes: Buffer.byteLength(r.body) })),
  };
  return frame(EXPORT_FORMAT, manifest, reports.map((r) => r.body));
}

/** Reads an export file; every report must have the length and leaf hash the manifest names. */
export function parseExportFile(text: string): FileReading<{ readonly manifestSha256: string; readonly reports: ExportedReport[] }> {
  const framed = unframe(text, EXPORT_FORMAT, 'export file');
  if (!framed.ok) return framed;
  const listed = framed.value.manifest.reports;
  if (!Array.isArray(listed)) return { ok: false, error: 'export file is malformed: the manifest lists no reports' };
  const bodies = framed.value.items;
  if (bodies.length !== listed.length) return { ok: false, error: `export file is truncated or altered: it holds ${bodies.length} of the ${listed.length} reports its manifest lists` };
  const reports: ExportedReport[] = [];
  for (const [i, entry] of (listed as Record<string, unknown>[]).entries()) {
    const body = bodies[i]!;
    const reportId = String(entry.report_id);
    if (hashLeaf(Buffer.from(body, 'utf8')).toString('hex') !== entry.leaf_hash || Buffer.byteLength(body) !== entry.bytes) {
      return { ok: false, error: `export file was altered: report ${i + 1} (${reportId}) is not the bytes its manifest names` };
    }
    reports.push({ reportId, body });
  }
  return { ok: true, value: { manifestSha256: framed.value.digest, reports } };
}

export interface ImportReceipt {
  readonly reportId: string;
  readonly outcome: 'accepted' | 'duplicate' | 'rejected';
  readonly receipt: Receipt | undefined;
  /** The receiver's error code when rejected. */
  readonly error: string | undefined;
}

/** The receipts file: every receipt sits in the manifest, so the manifest's hash covers them all. */
export function formatReceiptsFile(exportManifestSha256: string, receipts: readonly ImportReceipt[]): string {
  const listed = receipts.map((r) => ({ report_id: r.reportId, outcome: r.outcome, receipt: r.receipt === undefined ? null : receiptToJson(r.receipt), error: r.error ?? null }));
  return frame(RECEIPTS_FORMAT, { export_manifest_sha256: exportManifestSha256, receipts: listed }, []);
}

export function parseReceiptsFile(text: string): FileReading<{ readonly exportManifestSha256: string; readonly receipts: ImportReceipt[] }> {
  const framed = unframe(text, RECEIPTS_FORMAT, 'receipts file');
  if (!framed.ok) return framed;
  const { manifest, items } = framed.value;
  if (!Array.isArray(manifest.receipts) || items.length > 0) return { ok: false, error: 'receipts file is malformed: no list of receipts' };
  const receipts: ImportReceipt[] = [];
  for (const [i, item] of (manifest.receipts as { report_id?: unknown; outcome?: unknown; receipt?: ReceiptJson | null; error?: unknown }[]).entries()) {
    const outcome = item.outcome;
    const receipt = item.receipt === null || item.receipt === undefined ? undefined : receiptFromJson(item.receipt);
    if (typeof item.report_id !== 'string' || (outcome !== 'accepted' && outcome !== 'duplicate' && outcome !== 'rejected') || (outcome !== 'rejected' && receipt === undefined)) {
      return { ok: false, error: `receipts file is malformed: receipt ${i + 1} is incomplete` };
    }
    receipts.push({ reportId: item.report_id, outcome, receipt, error: typeof item.error === 'string' ? item.error : undefined });
  }
  return { ok: true, value: { exportManifestSha256: String(manifest.export_manifest_sha256), receipts } };
}
