// The collector's domain rows: what a stream remembers, an open report group, a sealed report
// waiting to be sent, a rejected one, and a delivered one. The stages speak in these; the state
// store (state/tables.ts) only reads and writes them.

export interface StreamRow {
  readonly startNs: bigint;
  readonly lastTimeNs: bigint;
  readonly lastValue: number;
  readonly lastSeenMs: number;
}

export interface ReportGroup {
  readonly windowStartMs: number;
  readonly stackId: string;
  readonly version: string;
  readonly reportId: string;
  readonly totals: Readonly<Record<string, number>>;
}

export interface OutboxEntry {
  readonly reportId: string;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  readonly body: string;
  readonly sendAfterMs: number;
  readonly nextAttemptMs: number;
  readonly attempts: number;
  readonly lastError: string | null;
  /** When `export` wrote it to a file for air-gapped delivery (then it waits for a receipt, unsent). */
  readonly exportedAtMs?: number | null;
}

export interface DeadLetter {
  readonly reportId: string;
  readonly windowEndMs: number;
  readonly body: string;
  readonly status: number | null;
  readonly error: string;
  readonly deadAtMs: number;
}

export interface LedgerEntry {
  readonly seq: number;
  readonly reportId: string;
  readonly deliveredAtMs: number;
  readonly outcome: string;
  readonly status: number | null;
  readonly body: string;
  /** The receiver's receipt: leaf index and hex leaf hash in its transparency log. */
  readonly leafIndex?: number | null;
  readonly leafHash?: string | null;
  /** Size of the last checkpoint `verify` proved this entry in, or what it found wrong. */
  readonly verifiedTreeSize?: number | null;
  readonly verifyError?: string | null;
}
