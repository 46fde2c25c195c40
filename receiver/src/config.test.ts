import { describe, expect, it } from 'vitest';
import { DAY_MS } from '@lunadefend/config';
import { defaultReceiverConfig, loadReceiverConfig } from './config.js';

describe('receiver configuration from the environment', () => {
  it('has safe defaults', () => {
    const config = loadReceiverConfig({});
    expect(config).toEqual(defaultReceiverConfig());
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      database: { kind: 'sqlite', path: './data/receiver.db' },
      retentionDays: 400,
      windowMs: DAY_MS,
      maxReportAgeMs: 32 * DAY_MS,
      adminToken: undefined,
      publicMinCohort: 10,
      trustProxy: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every variable', () => {
    const config = loadReceiverConfig({
      PORT: '0',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgresql://receiver:pw@db:5432/metrics',
      LUNADEFEND_ADMIN_TOKEN: 'a-long-enough-admin-token',
      LUNADEFEND_ALERT_WEBHOOK_URL: 'https://hooks.example/T0/B0/secret',
      LUNADEFEND_RETENTION_DAYS: '90',
      LUNADEFEND_WINDOW: '2s',
      LUNADEFEND_MAX_REPORT_AGE: '48h',
      LUNADEFEND_CLOCK_SKEW: '30s',
      LUNADEFEND_MAX_BODY_BYTES: '8KiB',
      LUNADEFEND_RATE_LIMIT_PER_CLIENT: '10/1s',
      LUNADEFEND_RATE_LIMIT_PER_STACK: 'off',
      LUNADEFEND_MAX_REPORTS_PER_WINDOW: '2',
      LUNADEFEND_PLAUSIBILITY_BOUNDS: '{"tokenizeSuccess":5000}',
      LUNADEFEND_PUBLIC_MIN_COHORT: '25',
      LUNADEFEND_TRUST_PROXY: '1',
      LUNADEFEND_PUBLIC_URL: 'https://Metrics.Example.com/',
    });
    expect(config).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      database: { kind: 'postgres', url: 'postgresql://receiver:pw@db:5432/metrics' },
      retentionDays: 90,
      windowMs: 2000,
      maxReportAgeMs: 48 * 3_600_000,
      clockSkewMs: 30_000,
      maxBodyBytes: 8192,
      clientRateLimit: { requests: 10, perMs: 1000 },
      stackRateLimit: undefined,
      maxReportsPerWindow: 2,
      publicMinCohort: 25,
      trustProxy: 1,
      publicUrl: 'https://metrics.example.com',
    });
    expect(config.plausibilityBoundsPerDay.tokenizeSuccess).toBe(5000);
    expect(config.plausibilityBoundsPerDay.tokenizeFailure).toBe(1_000_000_000);
    expect(loadReceiverConfig({ DATABASE_URL: 'sqlite:/var/lib/receiver/r.db' }).database).toEqual({ kind: 'sqlite', path: '/var/lib/receiver/r.db' });
  });

  it.each([
    [{ PORT: '80a' }, 'PORT="80a": must be an integer from 0 to 65535'],
    [{ PORT: '70000' }, 'PORT="70000"'],
    [{ DATABASE_URL: 'mysql://u:hunter2@db/x' }, 'DATABASE_URL='],
    [{ LUNADEFEND_RETENTION_DAYS: '0' }, 'LUNADEFEND_RETENTION_DAYS="0"'],
    [{ LUNADEFEND_WINDOW: '7h' }, 'LUNADEFEND_WINDOW="7h": must divide 24h evenly'],
    [{ LUNADEFEND_WINDOW: 'daily' }, 'LUNADEFEND_WINDOW="daily"'],
    [{ LUNADEFEND_RATE_LIMIT_PER_CLIENT: '100' }, 'LUNADEFEND_RATE_LIMIT_PER_CLIENT="100": must be <requests>/<duration>'],
    [{ LUNADEFEND_PLAUSIBILITY_BOUNDS: '{"exportAll":1}' }, 'unknown report key "exportAll"'],
    [{ LUNADEFEND_MAX_REPORT_AGE: '9700h' }, 'LUNADEFEND_MAX_REPORT_AGE="9700h": must be shorter than LUNADEFEND_RETENTION_DAYS'],
    [{ LUNADEFEND_TLS_CERT_FILE: 'cert.pem' }, 'LUNADEFEND_TLS_KEY_FILE=(unset)'],
    [{ LUNADEFEND_TLS_CERT_FILE: 'missing-cert.pem', LUNADEFEND_TLS_KEY_FILE: 'missing-key.pem' }, 'LUNADEFEND_TLS_CERT_FILE="missing-cert.pem": file does not exist'],
    [{ LUNADEFEND_TRUST_PROXY: 'true' }, 'LUNADEFEND_TRUST_PROXY="true"'],
    [{ LUNADEFEND_LOG_LEVEL: 'loud' }, 'LUNADEFEND_LOG_LEVEL="loud"'],
    [{ LUNADEFEND_PUBLIC_URL: 'https://metrics.example.com/dashboard' }, 'LUNADEFEND_PUBLIC_URL="https://metrics.example.com/dashboard": must be an http(s) origin'],
    [{ LUNADEFEND_PUBLIC_URL: 'metrics.example.com' }, 'LUNADEFEND_PUBLIC_URL="metrics.example.com"'],
    [{ LUNADEFEND_INGEST_KEYS: 'missing-keys.txt' }, 'LUNADEFEND_INGEST_KEYS="missing-keys.txt": file does not exist'],
    [{ LUNADEFEND_PUBLIC_EPSILON: '0' }, 'LUNADEFEND_PUBLIC_EPSILON="0"'],
    [{ LUNADEFEND_PUBLIC_NOISE_KEY: 'short' }, 'LUNADEFEND_PUBLIC_NOISE_KEY=<secret, 5 characters>'],
    [
      { LUNADEFEND_TRUST_PROXY: 'loopback', LUNADEFEND_ADMIN_TOKEN: 'a-long-enough-admin-token' },
      'LUNADEFEND_PUBLIC_URL=(unset): must be set when LUNADEFEND_TRUST_PROXY and LUNADEFEND_ADMIN_TOKEN are',
    ],
  ])('refuses %o naming the variable and value', (env, message) => {
    expect(() => loadReceiverConfig(env)).toThrow(message);
  });

  it('never echoes a secret: admin token, database password or webhook URL', () => {
    expect(() => loadReceiverConfig({ LUNADEFEND_ADMIN_TOKEN: 'short-secret' })).toThrow(
      'LUNADEFEND_ADMIN_TOKEN=<secret, 12 characters>: must be at least 16 characters',
    );
    const messages = [
      { DATABASE_URL: 'mysql://u:hunter2@db/x' },
      { LUNADEFEND_ALERT_WEBHOOK_URL: 'ftp://hooks.example/hunter2' },
    ].map((env) => {
      try {
        loadReceiverConfig(env);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(messages.every((m) => m !== '' && !m.includes('hunter2'))).toBe(true);
  });
});
