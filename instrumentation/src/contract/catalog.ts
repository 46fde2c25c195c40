// The metric catalog: every metric that may ever leave a deployment. Everything else is derived
// from this list (typed counters, the collector's allowlist, the report schema of every version,
// the receiver's columns and ingest function, the transparency doc's table). The list only grows:
// a metric is added at the end with `since` one above the current schema version, and is never
// renamed or removed (docs/report-contract.md). No dependencies: it lives in the published
// instrumentation package (@lunadefend/metrics/contract), and @lunadefend/config re-exports it.

export interface CatalogEntry {
  /** OpenTelemetry instrument name (a monotonic Sum). */
  readonly instrument: string;
  /** Key of the counter in the daily report. */
  readonly reportKey: string;
  /** UCUM-style unit annotation carried by the instrument. */
  readonly unit: string;
  /** One line saying what is counted. */
  readonly description: string;
  /** The report schema version that introduced the metric; reports of older versions lack it. */
  readonly since: number;
}

/** A catalog: the module's own, or another one handed in (tests describe a later version this way). */
export type MetricCatalog = readonly CatalogEntry[];

export const METRIC_CATALOG = [
  {
    instrument: 'lunadefend.tokenize.success',
    reportKey: 'tokenizeSuccess',
    unit: '{operation}',
    description: 'Values tokenized successfully.',
    since: 1,
  },
  {
    instrument: 'lunadefend.tokenize.failure',
    reportKey: 'tokenizeFailure',
    unit: '{operation}',
    description: 'Tokenize requests that failed (bad input or internal error).',
    since: 1,
  },
  {
    instrument: 'lunadefend.detokenize.success',
    reportKey: 'detokenizeSuccess',
    unit: '{operation}',
    description: 'Tokens resolved back to their value successfully.',
    since: 1,
  },
  {
    instrument: 'lunadefend.detokenize.failure',
    reportKey: 'detokenizeFailure',
    unit: '{operation}',
    description: 'Detokenize requests that failed (bad input, unknown token or internal error).',
    since: 1,
  },
  {
    instrument: 'lunadefend.grant.create.success',
    reportKey: 'createGrantSuccess',
    unit: '{operation}',
    description: 'Grants created successfully.',
    since: 1,
  },
  {
    instrument: 'lunadefend.grant.create.failure',
    reportKey: 'createGrantFailure',
    unit: '{operation}',
    description: 'Grant creations that failed (bad input, unknown token or internal error).',
    since: 1,
  },
] as const satisfies readonly CatalogEntry[];

/** An OpenTelemetry instrument name from the catalog. */
export type MetricName = (typeof METRIC_CATALOG)[number]['instrument'];
/** A counter key of the daily report. */
export type ReportKey = (typeof METRIC_CATALOG)[number]['reportKey'];
/** The keys of version 1: every report of every version carries them. */
export type FirstReportKey = Extract<(typeof METRIC_CATALOG)[number], { since: 1 }>['reportKey'];
/**
 * Totals over a period of stored reports: a metric of version 1 is always known; a later one is
 * null when no report of the period carried it (unknown, never zero).
 */
export type MetricTotals = Record<FirstReportKey, number> & Partial<Record<Exclude<ReportKey, FirstReportKey>, number | null>>;
/** The counters of one daily report, one per catalog entry. */
export type ReportMetrics = Record<ReportKey, number>;

export const METRIC_NAMES: readonly MetricName[] = Object.freeze(METRIC_CATALOG.map((m) => m.instrument));
export const REPORT_KEYS: readonly ReportKey[] = Object.freeze(METRIC_CATALOG.map((m) => m.reportKey));

const byInstrument: ReadonlyMap<string, (typeof METRIC_CATALOG)[number]> = new Map(
  METRIC_CATALOG.map((m) => [m.instrument, m]),
);

/** True when `name` is a catalog instrument name. */
export function isMetricName(name: unknown): name is MetricName {
  return typeof name === 'string' && byInstrument.has(name);
}

/** The catalog entry for an instrument name, or undefined when it is not in the catalog. */
export function catalogEntry(name: string): CatalogEntry | undefined {
  return byInstrument.get(name);
}

/** The report key of a catalog instrument, or undefined when `name` is not in the catalog. */
export function reportKeyOf(name: string): ReportKey | undefined {
  return byInstrument.get(name)?.reportKey;
}

/** A fresh counters object with every report key at zero. */
export function zeroMetrics(): ReportMetrics {
  return Object.fromEntries(REPORT_KEYS.map((k) => [k, 0])) as ReportMetrics;
}

/** The newest schema version of a catalog: the highest `since`. */
export function latestSchemaVersion(catalog: MetricCatalog = METRIC_CATALOG): number {
  return catalog.reduce((max, entry) => Math.max(max, entry.since), 0);
}

/** Every schema version a catalog has published, oldest first (1 … latest). */
export function schemaVersions(catalog: MetricCatalog = METRIC_CATALOG): number[] {
  return Array.from({ length: latestSchemaVersion(catalog) }, (_, i) => i + 1);
}

/** The entries a report of `schemaVersion` carries, in catalog order. */
export function entriesAt(catalog: MetricCatalog, schemaVersion: number): CatalogEntry[] {
  return catalog.filter((entry) => entry.since <= schemaVersion);
}

/**
 * Why a catalog breaks the evolution rules, or an empty list: keys and instrument names unique,
 * `since` a whole number from 1, never lower than the entry before it (new metrics go at the end),
 * and every version from 1 to the latest introduces at least one metric.
 */
export function catalogProblems(catalog: MetricCatalog): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  let previous = 1;
  for (const entry of catalog) {
    for (const name of [entry.reportKey, entry.instrument]) {
      if (seen.has(name)) problems.push(`${name} appears twice`);
      seen.add(name);
    }
    if (!Number.isInteger(entry.since) || entry.since < 1) problems.push(`${entry.reportKey}: since must be a whole number from 1`);
    else if (entry.since < previous) problems.push(`${entry.reportKey}: since ${entry.since} comes after since ${previous}; add new metrics at the end`);
    else previous = entry.since;
    if (!/^[a-z][A-Za-z0-9]*$/.test(entry.reportKey)) problems.push(`${entry.reportKey}: a report key is lowerCamelCase`);
  }
  for (const version of schemaVersions(catalog)) {
    if (!catalog.some((entry) => entry.since === version)) problems.push(`schema version ${version} introduces no metric`);
  }
  return problems;
}
