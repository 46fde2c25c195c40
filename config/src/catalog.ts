// The metric catalog: every metric that may ever leave a deployment. Everything else is derived
// from this list (typed counters, the collector's allowlist, the report schema, the receiver's
// columns, the transparency doc). Adding a metric is one entry here plus a schema version bump.

export interface CatalogEntry {
  /** OpenTelemetry instrument name (a monotonic Sum). */
  readonly instrument: string;
  /** Key of the counter in the daily report. */
  readonly reportKey: string;
  /** UCUM-style unit annotation carried by the instrument. */
  readonly unit: string;
  /** One line saying what is counted. */
  readonly description: string;
}

export const METRIC_CATALOG = [
  {
    instrument: 'lunadefend.tokenize.success',
    reportKey: 'tokenizeSuccess',
    unit: '{operation}',
    description: 'Values tokenized successfully.',
  },
  {
    instrument: 'lunadefend.tokenize.failure',
    reportKey: 'tokenizeFailure',
    unit: '{operation}',
    description: 'Tokenize requests that failed (bad input or internal error).',
  },
  {
    instrument: 'lunadefend.detokenize.success',
    reportKey: 'detokenizeSuccess',
    unit: '{operation}',
    description: 'Tokens resolved back to their value successfully.',
  },
  {
    instrument: 'lunadefend.detokenize.failure',
    reportKey: 'detokenizeFailure',
    unit: '{operation}',
    description: 'Detokenize requests that failed (bad input, unknown token or internal error).',
  },
  {
    instrument: 'lunadefend.grant.create.success',
    reportKey: 'createGrantSuccess',
    unit: '{operation}',
    description: 'Grants created successfully.',
  },
  {
    instrument: 'lunadefend.grant.create.failure',
    reportKey: 'createGrantFailure',
    unit: '{operation}',
    description: 'Grant creations that failed (bad input, unknown token or internal error).',
  },
] as const satisfies readonly CatalogEntry[];

/** An OpenTelemetry instrument name from the catalog. */
export type MetricName = (typeof METRIC_CATALOG)[number]['instrument'];
/** A counter key of the daily report. */
export type ReportKey = (typeof METRIC_CATALOG)[number]['reportKey'];
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
