// The one decision both the instrumentation and the collector take from the environment: is
// telemetry on, local-only or off, and which variable decided it. `off` wins over everything, and
// a value we do not recognise means `off` (a typo must never turn sending on).

export type TelemetryMode = 'on' | 'local' | 'off';

export interface ModeDecision {
  readonly mode: TelemetryMode;
  /** The variable that decided the mode, or 'default' when none did. */
  readonly decidedBy: string;
  /** One line per variable whose value was not recognised. */
  readonly warnings: readonly string[];
}

/** Variables read, in the order their verdict is reported. */
export const MODE_VARIABLES = ['LUNADEFEND_TELEMETRY', 'DO_NOT_TRACK', 'OTEL_SDK_DISABLED', 'OTEL_METRICS_EXPORTER'] as const;

type Verdict = { mode?: TelemetryMode; warning?: string };

const readers: Readonly<Record<(typeof MODE_VARIABLES)[number], (value: string) => Verdict>> = {
  LUNADEFEND_TELEMETRY: (value) => {
    const normalized = value.toLowerCase();
    if (normalized === 'on' || normalized === 'local' || normalized === 'off') return { mode: normalized };
    return unrecognised('LUNADEFEND_TELEMETRY', value, 'on, local or off');
  },
  // Console Do Not Track: set to 1 it withdraws consent. 0 or false leaves the decision to others.
  DO_NOT_TRACK: (value) => {
    const normalized = value.toLowerCase();
    if (normalized === '1' || normalized === 'true') return { mode: 'off' };
    if (normalized === '0' || normalized === 'false') return {};
    return unrecognised('DO_NOT_TRACK', value, '1 or 0');
  },
  // OTEL_SDK_DISABLED and OTEL_METRICS_EXPORTER may only switch telemetry off, never on.
  OTEL_SDK_DISABLED: (value) => {
    const normalized = value.toLowerCase();
    if (normalized === 'true') return { mode: 'off' };
    if (normalized === 'false') return {};
    return unrecognised('OTEL_SDK_DISABLED', value, 'true or false');
  },
  OTEL_METRICS_EXPORTER: (value) => {
    const names = value.toLowerCase().split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (names.includes('none')) return { mode: 'off' };
    if (names.includes('otlp')) return {};
    return unrecognised('OTEL_METRICS_EXPORTER', value, 'otlp or none');
  },
};

function unrecognised(variable: string, value: string, expected: string): Verdict {
  // The value is an operator's own setting, not telemetry data, so echoing it (bounded) is safe.
  const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return { mode: 'off', warning: `${variable}=${shown} is not recognised (expected ${expected}); telemetry is off` };
}

/** Decides the telemetry mode from the environment. Unset or empty variables have no say. */
export function decideTelemetryMode(env: NodeJS.ProcessEnv = process.env): ModeDecision {
  const warnings: string[] = [];
  let offBy: string | undefined;
  let explicit: TelemetryMode | undefined;
  for (const variable of MODE_VARIABLES) {
    const raw = env[variable]?.trim();
    if (raw === undefined || raw === '') continue;
    const verdict = readers[variable](raw);
    if (verdict.warning !== undefined) warnings.push(verdict.warning);
    if (verdict.mode === 'off') offBy ??= variable;
    else if (verdict.mode !== undefined && variable === 'LUNADEFEND_TELEMETRY') explicit = verdict.mode;
  }
  if (offBy !== undefined) return { mode: 'off', decidedBy: offBy, warnings };
  if (explicit !== undefined) return { mode: explicit, decidedBy: 'LUNADEFEND_TELEMETRY', warnings };
  return { mode: 'on', decidedBy: 'default', warnings };
}
