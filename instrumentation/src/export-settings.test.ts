import { describe, expect, it } from 'vitest';
import { DEFAULT_METRICS_URL, resolveExportSettings } from './export-settings.js';

describe('export settings from the environment', () => {
  it('defaults to the local collector every 60 s', () => {
    expect(resolveExportSettings({})).toEqual({
      url: DEFAULT_METRICS_URL,
      exportIntervalMs: 60_000,
      exportTimeoutMs: 30_000,
      warnings: [],
    });
  });

  it('appends v1/metrics to OTEL_EXPORTER_OTLP_ENDPOINT, with or without a trailing slash', () => {
    expect(resolveExportSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://sidecar:4318' }).url).toBe('http://sidecar:4318/v1/metrics');
    expect(resolveExportSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://sidecar:4318/' }).url).toBe('http://sidecar:4318/v1/metrics');
    expect(resolveExportSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://h/base' }).url).toBe('https://h/base/v1/metrics');
  });

  it('uses OTEL_EXPORTER_OTLP_METRICS_ENDPOINT as given, ahead of the base endpoint', () => {
    expect(resolveExportSettings({
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://a:9/custom/path',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://b:4318',
    }).url).toBe('http://a:9/custom/path');
  });

  it('ignores an endpoint that is not an http(s) URL, with a warning that does not echo it', () => {
    const settings = resolveExportSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://user:secret@x' });
    expect(settings.url).toBe(DEFAULT_METRICS_URL);
    expect(settings.warnings).toHaveLength(1);
    expect(settings.warnings.join()).not.toContain('secret');
  });

  it('honours OTEL_METRIC_EXPORT_INTERVAL and clamps the timeout to it', () => {
    expect(resolveExportSettings({ OTEL_METRIC_EXPORT_INTERVAL: '1000' })).toMatchObject({ exportIntervalMs: 1000, exportTimeoutMs: 1000 });
    expect(resolveExportSettings({ OTEL_METRIC_EXPORT_INTERVAL: '90000', OTEL_METRIC_EXPORT_TIMEOUT: '5000' }))
      .toMatchObject({ exportIntervalMs: 90_000, exportTimeoutMs: 5000 });
  });

  it('replaces an unusable interval by the default with a warning', () => {
    for (const value of ['0', '-5', 'soon', '1.5']) {
      const settings = resolveExportSettings({ OTEL_METRIC_EXPORT_INTERVAL: value });
      expect(settings.exportIntervalMs).toBe(60_000);
      expect(settings.warnings[0]).toMatch(/^OTEL_METRIC_EXPORT_INTERVAL=/);
    }
  });
});
