// The storage contract of the receiver. Two implementations (SQLite, PostgreSQL) keep it, and one
// contract suite (contract.ts) holds both to it. Idempotency lives in the database: report_id is
// unique, so any number of receiver replicas sharing one PostgreSQL never count a report twice.
//
// Dates are UTC calendar days 'YYYY-MM-DD'. A report belongs to the UTC day of its window.start;
// weeks are ISO weeks and are named by their Monday. Flagged reports (above a plausibility bound)
// are stored for inspection but never counted in any statistic.

import type { Receipt, ReportKey, VersionedReport } from '@lunadefend/config';
import type { PeriodCount, VersionTotalsRow } from '../stats/period-figures.js';
import type { DailyStats, StatsQuery, WeeklyStats } from '../stats/period-stats.js';

export type { DailyStats, StatsQuery, WeeklyStats };

/** What happened to one report offered to `insertReport`. */
export type InsertOutcome =
  /** Stored now (counted unless flagged); with a leaf hash, appended to the log at `receipt`. */
  | { readonly status: 'accepted'; readonly receipt?: Receipt }
  /** A report with this report_id is already stored; nothing changed. `receipt` is the stored one's leaf. */
  | { readonly status: 'duplicate'; readonly receipt?: Receipt }
  /** The stack id already has `maxReportsPerWindow` reports for this window; nothing stored. */
  | { readonly status: 'window-limit' };

export interface InsertOptions {
  /** When the receiver accepted the request. */
  readonly receivedAt: Date;
  /** Why the report is implausible; a flagged report is stored but left out of every statistic. */
  readonly flagReason?: string | undefined;
  /** Most reports one stack id may have for one window (distinct report ids). */
  readonly maxReportsPerWindow: number;
  /**
   * The report's leaf hash (SHA-256(0x00 || the exact bytes received)): an accepted report is
   * appended to the transparency log in the same transaction. Every report that arrives as bytes
   * has one; only stores seeded directly (tests, benchmarks) leave it out.
   */
  readonly leafHash?: Buffer | undefined;
}

/** An inclusive range of UTC days, 'YYYY-MM-DD'. */
export interface DayRange {
  readonly from: string;
  readonly to: string;
}

/** A day range, optionally restricted to some versions (all when absent or empty). */
export interface VersionFilter extends DayRange {
  readonly versions?: readonly string[] | undefined;
}

/** The aggregate tables keep one row per UTC day and one per ISO week (named by its Monday). */
export type Period = 'day' | 'week';

/**
 * The counted reports behind one public release: a day range, restricted to the stack ids that
 * qualify for a public cohort — received on at least `minReceiptDays` distinct UTC days (by the
 * receiver's clock, not the report's window) in [receivedFrom, receivedBefore). A history of
 * receipt days cannot be bought in one burst of back-dated reports.
 */
export interface PublicContributionsQuery extends DayRange {
  /** First receipt day counted, 'YYYY-MM-DD'. */
  readonly receivedFrom: string;
  /** First receipt day not counted, 'YYYY-MM-DD'. */
  readonly receivedBefore: string;
  readonly minReceiptDays: number;
}

/** The counted reports of one qualifying stack id, one UTC day and one version, summed. */
export interface Contribution {
  readonly stackId: string;
  readonly day: string;
  readonly version: string;
  readonly metrics: Record<ReportKey, number>;
}

/** With `versions`, only the days and versions matching them count (for versions and first/last seen). */
export interface DeploymentsQuery extends VersionFilter {
  readonly limit: number;
  readonly offset: number;
}

/** One deployment seen in a range; ordered by stackId. */
export interface DeploymentSummary {
  readonly stackId: string;
  /** Versions it reported in the range, sorted. */
  readonly versions: string[];
  /** First and last UTC day with a counted report in the range. */
  readonly firstSeen: string;
  readonly lastSeen: string;
}

export interface DeploymentsPage {
  readonly deployments: DeploymentSummary[];
  /** Deployments matching the query, ignoring limit and offset. */
  readonly total: number;
}

export interface FlaggedQuery extends DayRange {
  readonly limit: number;
  readonly offset: number;
}

/** A stored report left out of statistics, and why. */
export interface FlaggedReport {
  readonly reportId: string;
  readonly stackId: string;
  readonly version: string;
  readonly day: string;
  readonly reason: string;
  readonly receivedAt: string;
}

export interface BlockedStack {
  readonly stackId: string;
  readonly reason: string;
  /** ISO timestamp. */
  readonly blockedAt: string;
}

export interface RetentionResult {
  /** Raw reports deleted. */
  readonly reports: number;
  /** Per-deployment day/week rows deleted (the aggregate counters are kept). */
  readonly deploymentRows: number;
}

/** What each store implements; `withStats` (../stats/period-stats.ts) adds the statistics. */
export interface StorageBackend {
  readonly kind: 'sqlite' | 'postgres';

  /** Applies pending migrations; safe to run from several replicas at once. Returns versions applied. */
  migrate(): Promise<number[]>;
  /** Latest migration version applied (0 for an empty database). */
  schemaVersion(): Promise<number>;

  /** Stores a schema- and window-valid report of any accepted schema version exactly once (by report_id). */
  insertReport(report: VersionedReport, options: InsertOptions): Promise<InsertOutcome>;

  /** Per period starting in the range and per version (matching `versions`, when given): distinct deployments and counter sums; by start, version. */
  periodVersionTotals(period: Period, range: DayRange, versions?: readonly string[]): Promise<VersionTotalsRow[]>;
  /** Distinct deployments per period starting in the range (with `versions`: those reporting any of them); periods without any omitted. */
  periodActiveDeployments(period: Period, range: DayRange, versions?: readonly string[]): Promise<PeriodCount[]>;
  deployments(query: DeploymentsQuery): Promise<DeploymentsPage>;
  /** Versions with at least one counted report in the range, sorted. */
  versions(query: DayRange): Promise<string[]>;
  flaggedReports(query: FlaggedQuery): Promise<FlaggedReport[]>;
  /** Per (stack, day, version) sums for public statistics; ordered by stack id, day, version. */
  publicContributions(query: PublicContributionsQuery): Promise<Contribution[]>;

  /** Adds (or updates the reason of) a blocked stack id. */
  blockStack(stackId: string, reason: string, at: Date): Promise<void>;
  /** Returns false when the stack id was not blocked. */
  unblockStack(stackId: string): Promise<boolean>;
  blockedStacks(): Promise<BlockedStack[]>;

  /**
   * Leaf hashes of the transparency log from `fromIndex` on, in log order, at most `limit`. The
   * log is append-only and never shortened (retention leaves it alone); its committed leaves are
   * always a gap-free prefix, whatever the number of replicas appending.
   */
  logLeaves(fromIndex: number, limit: number): Promise<Buffer[]>;
  /** Index of the first leaf with this hash, if any. */
  logLeafIndex(leafHash: Buffer): Promise<number | undefined>;

  /** Deletes raw reports and per-deployment rows of days before `beforeDay` ('YYYY-MM-DD'). */
  deleteBefore(beforeDay: string): Promise<RetentionResult>;

  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
}

/** The receiver's storage: a store's primitives and the statistics computed from them. */
export interface Storage extends StorageBackend {
  /** Per UTC day of the range; `cohort`: only the deployments that rule admits for the day's ISO week. */
  dailyStats(query: StatsQuery): Promise<DailyStats[]>;
  /** Per ISO week overlapping the range, each week whole. */
  weeklyStats(query: StatsQuery): Promise<WeeklyStats[]>;
}
