// The image works: its runtime layout is assembled from the Dockerfile (no container engine; see
// support/image-layout.ts) and every service of docker-compose.yml is started from it with its
// compose command and environment, until each answers its health check. Only addresses change
// (free ports, a fresh PostgreSQL database, a temporary state directory) so runs never collide.

import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleImageLayout, type ImageLayout } from './support/image-layout.js';
import { REPO_ROOT, createTestDatabase, freePort, postgresAvailability, spawnService, stopAllServices, waitUntil, type ServiceProcess, type TestDatabase } from '@lunadefend/testkit';

interface Service {
  command: string[];
  environment?: Record<string, string>;
  healthcheck: { test: string[] };
}
const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };

/** Compose `${VAR:-default}` / `${VAR:?msg}` with their defaults (the variables are unset here). */
const composeDefault = (value: string) => value.replace(/\$\{[A-Z_]+(?::-([^}]*)|:\?[^}]*)?\}/g, (_m, fallback: string | undefined) => fallback ?? 'x');
const composeEnv = (name: string) => Object.fromEntries(Object.entries(compose.services[name]!.environment ?? {}).map(([k, v]) => [k, composeDefault(v)]));
const healthUrl = (name: string) => new URL(/http:\/\/[^'"]+/.exec(compose.services[name]!.healthcheck.test.join(' '))![0]);

let work: string;
let layout: ImageLayout;
let database: TestDatabase | undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lunadefend-image-'));
  layout = assembleImageLayout(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'), REPO_ROOT, join(work, 'root'));
  const pg = await postgresAvailability();
  if (pg.available) database = await createTestDatabase(pg.adminUrl);
}, 120_000);

afterAll(async () => {
  await stopAllServices('SIGKILL');
  await database?.drop();
  rmSync(work, { recursive: true, force: true });
});

function start(name: string, env: Record<string, string>): ServiceProcess {
  const [node, entry, ...args] = compose.services[name]!.command;
  expect(node).toBe('node');
  // The image's own Node is this machine's Node 20; nothing from the checkout is on any path.
  return spawnService({ name, entry: entry!, args, cwd: layout.workdir, env: { HOME: work, ...layout.env, ...env } });
}

const lastOutput = (service: ServiceProcess) => service.lines.slice(-20).map((line) => JSON.stringify(line)).join('\n');

async function healthy(name: string, port: number, service: ServiceProcess): Promise<void> {
  const url = healthUrl(name);
  url.port = String(port);
  await waitUntil(`${name} to answer its health check`, async () => {
    if (!service.running()) throw new Error(`${name} exited ${service.child.exitCode}: ${lastOutput(service)}`);
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
    return response?.ok === true;
  }, { timeoutMs: 30_000 }).catch((error: Error) => {
    throw new Error(`${error.message}\n${name} output:\n${lastOutput(service)}`);
  });
}

describe('the image built from the Dockerfile', () => {
  it('ships production dependencies only, with the native addon in place', () => {
    expect(readFileSync(layout.onDisk('/app/package.json'), 'utf8')).toContain('"workspaces"');
    expect(() => readFileSync(layout.onDisk('/app/node_modules/vitest/package.json'))).toThrow();
    expect(() => readFileSync(layout.onDisk('/app/node_modules/typescript/package.json'))).toThrow();
    expect(readFileSync(layout.onDisk('/app/node_modules/better-sqlite3/package.json'), 'utf8')).toContain('better-sqlite3');
  });

  it('ships no test support: no test kit, no tests, no testing folder in any build', () => {
    const app = layout.onDisk('/app');
    const files = readdirSync(app, { recursive: true, withFileTypes: true })
      .filter((e) => !e.isDirectory())
      .map((e) => relative(app, join(e.parentPath, e.name)).split(sep).join('/'))
      .filter((path) => !path.startsWith('node_modules/') && !path.includes('/node_modules/'));
    expect(files).toContain('processor/dist/main.js');
    // Workspace manifests are there for `npm ci`; nothing else of the development workspaces.
    expect(files.filter((path) => /^(testkit|test|demo)\//.test(path) && !path.endsWith('/package.json'))).toEqual([]);
    expect(files.filter((path) => /(^|\/)testing\/|\.test\.[cm]?js$/.test(path))).toEqual([]);
  });

  it('starts the receiver, the tokenizer and its collector sidecar with their compose commands, each answering its health check', async () => {
    if (database === undefined) return expect.fail('PostgreSQL is needed: the compose receiver stores reports there');
    const [receiverPort, tokenizerPort, otlpPort, healthPort, metricsPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    // The collector's health and own-metrics addresses live in otel-collector.yaml, not in variables.
    const config = layout.onDisk('/app/otel-collector.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('127.0.0.1:13133', `127.0.0.1:${healthPort}`).replace('127.0.0.1:8888', `127.0.0.1:${metricsPort}`));

    const receiver = start('receiver', { ...composeEnv('receiver'), HOST: '127.0.0.1', PORT: String(receiverPort), DATABASE_URL: database.url });
    await healthy('receiver', receiverPort, receiver);

    const tokenizer = start('tokenizer', { ...composeEnv('tokenizer'), PORT: String(tokenizerPort), OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}` });
    await healthy('tokenizer', tokenizerPort, tokenizer);

    const collector = start('collector', {
      ...composeEnv('collector'),
      LUNADEFEND_OTLP_ENDPOINT: `127.0.0.1:${otlpPort}`,
      LUNADEFEND_METRICS_ENDPOINT: `http://127.0.0.1:${receiverPort}/v1/reports`,
      LUNADEFEND_STATE_DIR: layout.onDisk(composeEnv('collector').LUNADEFEND_STATE_DIR!),
    });
    await healthy('collector', healthPort, collector);
  }, 120_000);
});
