// What the demo prints: its own lines, one-line summaries, and only the warnings and errors of its
// children (their full logs go to ./data/logs). Child log lines are the children's own structured
// messages, which never carry attribute values, tokens or report bodies.

import { REPORT_KEYS, type ReportMetrics } from '@lunadefend/config';

export function say(message: string): void {
  console.log(message === '' ? '' : `[demo] ${message}`);
}

/** "tokenize 12/1, detokenize 7/2, grants 3/0" (ok/failed). */
export function formatMetrics(m: ReportMetrics): string {
  return `tokenize ${m.tokenizeSuccess}/${m.tokenizeFailure}, detokenize ${m.detokenizeSuccess}/${m.detokenizeFailure}, grants ${m.createGrantSuccess}/${m.createGrantFailure}`;
}

const LEVELS: Readonly<Record<number, string>> = { 40: 'warn', 50: 'error', 60: 'fatal' };

/** Echoes a child's warnings, errors and non-JSON output (start-up failures); info lines stay in its log file. */
export function printChildLine(name: string, text: string, line: Record<string, unknown>): void {
  if ('raw' in line) {
    if (text.trim() !== '') console.log(`[${name}] ${text}`);
    return;
  }
  const level = typeof line.level === 'number' ? line.level : 0;
  if (level < 40) return;
  const code = typeof line.code === 'string' ? ` (${line.code})` : '';
  console.log(`[${name}] ${LEVELS[level] ?? 'error'}: ${String(line.msg ?? '')}${code}`);
}

/** `a - b` per metric. */
export function subtractMetrics(a: ReportMetrics, b: ReportMetrics): ReportMetrics {
  return Object.fromEntries(REPORT_KEYS.map((key) => [key, a[key] - b[key]])) as ReportMetrics;
}
