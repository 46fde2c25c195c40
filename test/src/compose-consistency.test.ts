// No container engine runs in CI, so docker-compose.yml and the Dockerfile are checked against
// the code instead: service names, the sidecar's shared network namespace, ports, variables,
// volumes, and commands that really exist.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadCollectorConfigFile, parseHostPort } from '@lunadefend/config';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string): string => readFileSync(`${root}${path}`, 'utf8');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  network_mode?: string;
  depends_on?: Record<string, unknown>;
  healthcheck?: { test: string[] };
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const ours = ['tokenizer', 'collector', 'receiver'] as const;
const sourceOf: Record<(typeof ours)[number], string> = {
  tokenizer: 'instrumentation',
  collector: 'processor',
  receiver: 'receiver',
};

/** Every TypeScript source of a package, concatenated (tests excluded). */
function sources(dir: string): string {
  const out = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', `${dir}/**/*.ts`], { cwd: root, encoding: 'utf8' });
  return out.stdout
    .split('\n')
    .filter((f) => f !== '' && !f.endsWith('.test.ts') && existsSync(`${root}${f}`))
    .map((f) => read(f))
    .join('\n');
}

/** Substitutes compose `${VAR:-default}` / `${VAR:?msg}` with their defaults (or a placeholder). */
function composeDefault(value: string): string {
  return value.replace(/\$\{[A-Z_]+(?::-([^}]*)|:\?[^}]*)?\}/g, (_m, fallback: string | undefined) => fallback ?? 'x');
}

function healthUrl(service: Service): URL {
  const script = service.healthcheck?.test.find((part) => part.includes('http://')) ?? '';
  const match = /http:\/\/[^'"]+/.exec(script);
  if (match === null) throw new Error('no health check URL');
  return new URL(match[0]);
}

describe('docker-compose.yml', () => {
  it('has the tokenizer, its collector sidecar, the receiver and PostgreSQL', () => {
    expect(Object.keys(services).sort()).toEqual(['collector', 'postgres', 'receiver', 'tokenizer']);
  });

  it('runs the collector in the tokenizer network namespace, publishing nothing itself', () => {
    const collector = services.collector!;
    expect(collector.network_mode).toBe('service:tokenizer');
    expect(collector.ports).toBeUndefined();
    const otlp = parseHostPort(composeDefault(collector.environment!.LUNADEFEND_OTLP_ENDPOINT!));
    expect(otlp?.host).toBe('127.0.0.1');
    const fromTokenizer = new URL(services.tokenizer!.environment!.OTEL_EXPORTER_OTLP_ENDPOINT!);
    expect(fromTokenizer.hostname).toBe('127.0.0.1');
    expect(Number(fromTokenizer.port)).toBe(otlp?.port);
  });

  it('keeps the collector state and the database on named volumes', () => {
    const stateDir = services.collector!.environment!.LUNADEFEND_STATE_DIR!;
    expect(services.collector!.volumes).toContain(`collector-state:${stateDir}`);
    expect(services.postgres!.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) expect(Object.keys(compose.volumes)).toContain(volume.split(':')[0]);
    }
  });

  it('runs commands that exist in the built code', () => {
    for (const name of ours) {
      const [node, entry, subcommand] = services[name]!.command!;
      expect(node).toBe('node');
      const source = entry!.replace('/dist/', '/src/').replace(/\.js$/, '.ts');
      expect(existsSync(`${root}${source}`), `${name}: ${source}`).toBe(true);
      if (subcommand !== undefined) expect(sources(sourceOf[name])).toContain(`'${subcommand}'`);
    }
  });

  it('gives the collector a configuration that validates', () => {
    const env = Object.fromEntries(Object.entries(services.collector!.environment!).map(([k, v]) => [k, composeDefault(v)]));
    const { config } = loadCollectorConfigFile(`${root}otel-collector.yaml`, env);
    expect(config.exporters.lunadefend.endpoint).toBe('http://receiver:8080/v1/reports');
    expect(healthUrl(services.collector!).port).toBe(String(parseHostPort(config.extensions.health_check.endpoint)?.port));
  });

  it('publishes and health-checks the ports the services listen on', () => {
    for (const name of ['tokenizer', 'receiver'] as const) {
      const port = services[name]!.environment!.PORT!;
      expect(services[name]!.ports).toContain(`${port}:${port}`);
      expect(healthUrl(services[name]!).port).toBe(port);
    }
    expect(new URL(composeDefault(services.collector!.environment!.LUNADEFEND_METRICS_ENDPOINT!)).port).toBe(services.receiver!.environment!.PORT);
  });

  it('uses only variables the code reads and the configuration doc lists', () => {
    const doc = read('docs/configuration.md');
    for (const name of ours) {
      // The collector reads most of its variables through otel-collector.yaml; every part takes
      // the telemetry mode decision from the contract, in instrumentation/src/contract/.
      const code = sources(sourceOf[name]) + sources('config') + sources('instrumentation/src') + (name === 'collector' ? read('otel-collector.yaml') : '');
      for (const variable of Object.keys(services[name]!.environment ?? {})) {
        expect(code.includes(variable), `${name} reads ${variable}`).toBe(true);
        expect(doc, `docs/configuration.md lists ${variable}`).toContain(`\`${variable}\``);
      }
    }
  });

  it('only depends on services that exist', () => {
    for (const service of Object.values(services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) expect(Object.keys(services)).toContain(dependency);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('is multi-stage on Node 20, installs with npm ci and ships production dependencies only', () => {
    expect(dockerfile.match(/^FROM node:20/gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/RUN npm ci\b/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('runs as a non-root user', () => {
    const users = [...dockerfile.matchAll(/^USER (\S+)/gm)].map((m) => m[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0']).not.toContain(users.at(-1));
  });

  it('copies every workspace manifest and the files it runs', () => {
    const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces;
    for (const workspace of workspaces) expect(dockerfile).toContain(`COPY ${workspace}/package.json ${workspace}/`);
    for (const name of ours) {
      const entry = services[name]!.command![1]!;
      const distDir = entry.slice(0, entry.indexOf('/dist/') + '/dist'.length);
      expect(dockerfile).toContain(`COPY --from=build /app/${distDir} ${distDir}`);
    }
  });
});
