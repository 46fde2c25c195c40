import { describe, expect, it } from 'vitest';
import { decideTelemetryMode } from './telemetry-mode.js';

describe('telemetry mode decision', () => {
  it('is on by default, decided by nothing', () => {
    expect(decideTelemetryMode({})).toEqual({ mode: 'on', decidedBy: 'default', warnings: [] });
  });

  it('honours LUNADEFEND_TELEMETRY alone', () => {
    expect(decideTelemetryMode({ LUNADEFEND_TELEMETRY: 'on' })).toMatchObject({ mode: 'on', decidedBy: 'LUNADEFEND_TELEMETRY' });
    expect(decideTelemetryMode({ LUNADEFEND_TELEMETRY: 'local' })).toMatchObject({ mode: 'local', decidedBy: 'LUNADEFEND_TELEMETRY' });
    expect(decideTelemetryMode({ LUNADEFEND_TELEMETRY: 'off' })).toMatchObject({ mode: 'off', decidedBy: 'LUNADEFEND_TELEMETRY' });
    expect(decideTelemetryMode({ LUNADEFEND_TELEMETRY: ' OFF ' })).toMatchObject({ mode: 'off', warnings: [] });
  });

  it('honours each opt-out variable alone', () => {
    expect(decideTelemetryMode({ DO_NOT_TRACK: '1' })).toEqual({ mode: 'off', decidedBy: 'DO_NOT_TRACK', warnings: [] });
    expect(decideTelemetryMode({ OTEL_SDK_DISABLED: 'true' })).toEqual({ mode: 'off', decidedBy: 'OTEL_SDK_DISABLED', warnings: [] });
    expect(decideTelemetryMode({ OTEL_METRICS_EXPORTER: 'none' })).toEqual({ mode: 'off', decidedBy: 'OTEL_METRICS_EXPORTER', warnings: [] });
  });

  it('lets the opt-out variables only disable, never enable', () => {
    expect(decideTelemetryMode({ DO_NOT_TRACK: '0' })).toMatchObject({ mode: 'on', decidedBy: 'default' });
    expect(decideTelemetryMode({ OTEL_SDK_DISABLED: 'false' })).toMatchObject({ mode: 'on', decidedBy: 'default' });
    expect(decideTelemetryMode({ OTEL_METRICS_EXPORTER: 'otlp' })).toMatchObject({ mode: 'on', decidedBy: 'default' });
    expect(decideTelemetryMode({ LUNADEFEND_TELEMETRY: 'off', OTEL_SDK_DISABLED: 'false', OTEL_METRICS_EXPORTER: 'otlp' }))
      .toMatchObject({ mode: 'off', decidedBy: 'LUNADEFEND_TELEMETRY' });
  });

  it('lets off win over everything', () => {
    expect(decideTelemetryMode({ LUNADEFEND_TELEMETRY: 'on', DO_NOT_TRACK: '1' })).toMatchObject({ mode: 'off', decidedBy: 'DO_NOT_TRACK' });
    expect(decideTelemetryMode({ LUNADEFEND_TELEMETRY: 'local', OTEL_SDK_DISABLED: 'TRUE' })).toMatchObject({ mode: 'off', decidedBy: 'OTEL_SDK_DISABLED' });
    expect(decideTelemetryMode({ LUNADEFEND_TELEMETRY: 'on', OTEL_METRICS_EXPORTER: 'otlp,none' })).toMatchObject({ mode: 'off', decidedBy: 'OTEL_METRICS_EXPORTER' });
    expect(decideTelemetryMode({ LUNADEFEND_TELEMETRY: 'off', DO_NOT_TRACK: '1' })).toMatchObject({ mode: 'off', decidedBy: 'LUNADEFEND_TELEMETRY' });
  });

  it('treats typos as off with a warning naming the variable', () => {
    for (const typo of ['of', 'False', '0n', 'yes', 'enabled']) {
      const decision = decideTelemetryMode({ LUNADEFEND_TELEMETRY: typo });
      expect(decision.mode).toBe('off');
      expect(decision.decidedBy).toBe('LUNADEFEND_TELEMETRY');
      expect(decision.warnings).toHaveLength(1);
      expect(decision.warnings[0]).toContain('LUNADEFEND_TELEMETRY');
    }
    expect(decideTelemetryMode({ DO_NOT_TRACK: 'please' })).toMatchObject({ mode: 'off', decidedBy: 'DO_NOT_TRACK' });
    expect(decideTelemetryMode({ OTEL_SDK_DISABLED: 'ture' })).toMatchObject({ mode: 'off', decidedBy: 'OTEL_SDK_DISABLED' });
    expect(decideTelemetryMode({ OTEL_METRICS_EXPORTER: 'prometheus' })).toMatchObject({ mode: 'off', decidedBy: 'OTEL_METRICS_EXPORTER' });
  });

  it('ignores empty values', () => {
    expect(decideTelemetryMode({ LUNADEFEND_TELEMETRY: '', DO_NOT_TRACK: '' })).toEqual({ mode: 'on', decidedBy: 'default', warnings: [] });
  });
});
