// Reads the standard OpenTelemetry variables the hand-built SDK pipeline would otherwise ignore
// (fact sheet E.4): endpoint, export interval and timeout. Pure: a function of the env handed in.

export const DEFAULT_METRICS_URL = 'http://localhost:4318/v1/metrics';
export const DEFAULT_EXPORT_INTERVAL_MS = 60_000;
export const DEFAULT_EXPORT_TIMEOUT_MS = 30_000;

export interface ExportSettings {
  /** Where OTLP/HTTP JSON is POSTed. */
  readonly url: string;
  readonly exportIntervalMs: number;
  readonly exportTimeoutMs: number;
  /** One line per variable whose value was unusable and replaced by its default. */
  readonly warnings: readonly string[];
}

/**
 * `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` is used as given; otherwise `OTEL_EXPORTER_OTLP_ENDPOINT`
 * gets `/v1/metrics` appended (spec "Endpoint URLs for OTLP/HTTP"); otherwise the default.
 */
export function resolveExportSettings(env: NodeJS.ProcessEnv): ExportSettings {
  const warnings: string[] = [];
  const url = resolveUrl(env, warnings);
  const exportIntervalMs = positiveInteger(env, 'OTEL_METRIC_EXPORT_INTERVAL', DEFAULT_EXPORT_INTERVAL_MS, warnings);
  // The SDK's reader refuses a timeout longer than the interval; clamp as its defaults do.
  const exportTimeoutMs = Math.min(
    positiveInteger(env, 'OTEL_METRIC_EXPORT_TIMEOUT', DEFAULT_EXPORT_TIMEOUT_MS, warnings),
    exportIntervalMs,
  );
  return { url, exportIntervalMs, exportTimeoutMs, warnings };
}

function resolveUrl(env: NodeJS.ProcessEnv, warnings: string[]): string {
  const perSignal = env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT?.trim();
  if (perSignal) {
    if (isHttpUrl(perSignal)) return perSignal;
    warnings.push(`OTEL_EXPORTER_OTLP_METRICS_ENDPOINT is not an http(s) URL; ignoring it`);
  }
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (base) {
    if (isHttpUrl(base)) return `${base.endsWith('/') ? base : `${base}/`}v1/metrics`;
    warnings.push(`OTEL_EXPORTER_OTLP_ENDPOINT is not an http(s) URL; ignoring it`);
  }
  return DEFAULT_METRICS_URL;
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function positiveInteger(env: NodeJS.ProcessEnv, variable: string, fallback: number, warnings: string[]): number {
  const raw = env[variable]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (Number.isSafeInteger(value) && value > 0) return value;
  warnings.push(`${variable}=${JSON.stringify(raw.slice(0, 40))} is not a positive integer of milliseconds; using ${fallback}`);
  return fallback;
}
