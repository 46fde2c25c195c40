// What a service loads by adding the package, seen in a fresh process: importing it (ESM) or
// requiring it (CommonJS) loads no OpenTelemetry code and no module of config/ (so never its YAML
// parser or JSON Schema validator); starting it and exporting once loads the SDK and exporter,
// still without them. The contract subpath, which config/ itself imports, loads only its own files.
// Every module is recorded: ES modules by a resolve hook, CommonJS ones from require.cache.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, startOtlpCapture, type OtlpCapture } from '@lunadefend/testkit';
import { CONTRACT_CJS_PATH, CONTRACT_DIST_URL, METRICS_CJS_PATH, METRICS_DIST_URL, runScript } from './testing/child-process.js';

const FORBIDDEN = /\/node_modules\/(yaml|ajv|ajv-formats)\/|\/config\/(src|dist)\//;
const OPENTELEMETRY = /\/node_modules\/@opentelemetry\//;

// The hook appends each resolved URL to a file synchronously, so the list is complete once the
// import that caused the resolutions has settled. Both ESM scripts start with it.
const resolveLogHook = (logFile: string): string => `
import { register, createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
writeFileSync(${JSON.stringify(logFile)}, '');
register('data:text/javascript,' + encodeURIComponent(\`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(logFile)}, resolved.url + '\\\\n');
  return resolved;
}\`));`;

const esmScript = (logFile: string): string => `${resolveLogHook(logFile)}
const cache = createRequire(import.meta.url).cache;
const graph = () => [...new Set([...readFileSync(${JSON.stringify(logFile)}, 'utf8').split('\\n').filter(Boolean),
  ...Object.keys(cache).map((path) => pathToFileURL(path).href)])];
const { startMetrics } = await import(${JSON.stringify(METRICS_DIST_URL)});
const afterImport = graph();
const metrics = startMetrics({ serviceVersion: '1.4.2' });
metrics.add('lunadefend.tokenize.success');
await metrics.flush();
const afterExport = graph();
await metrics.shutdown();
console.log(JSON.stringify({ afterImport, afterExport, outcomes: metrics.exportOutcomes() }));
`;

const cjsScript = `
const graph = () => Object.keys(require.cache);
const { startMetrics } = require(${JSON.stringify(METRICS_CJS_PATH)});
const afterImport = graph();
const metrics = startMetrics({ serviceVersion: '1.4.2' });
metrics.add('lunadefend.tokenize.success');
metrics.flush().then(async () => {
  const afterExport = graph();
  await metrics.shutdown();
  console.log(JSON.stringify({ afterImport, afterExport, outcomes: metrics.exportOutcomes() }));
});
`;

// The contract subpath alone: the modules a process holds after loading it, and its catalog's size.
const contractEsmScript = (logFile: string): string => `${resolveLogHook(logFile)}
const { METRIC_CATALOG } = await import(${JSON.stringify(CONTRACT_DIST_URL)});
const modules = [...new Set(readFileSync(${JSON.stringify(logFile)}, 'utf8').split('\\n').filter(Boolean))];
console.log(JSON.stringify({ modules, metrics: METRIC_CATALOG.length }));
`;

const contractCjsScript = `
const { METRIC_CATALOG } = require(${JSON.stringify(CONTRACT_CJS_PATH)});
console.log(JSON.stringify({ modules: Object.keys(require.cache), metrics: METRIC_CATALOG.length }));
`;

interface Graphs {
  afterImport: string[];
  afterExport: string[];
  outcomes: { succeeded: number; failed: number };
}

describe('the module graph of a service that adds the package', () => {
  let capture: OtlpCapture;
  let logDir: string;
  beforeAll(() => {
    for (const built of [fileURLToPath(METRICS_DIST_URL), METRICS_CJS_PATH]) {
      if (!existsSync(built)) throw new Error(`build first (npx tsc -b): ${built} is missing`);
    }
  });
  beforeEach(async () => {
    capture = await startOtlpCapture();
    logDir = mkdtempSync(join(tmpdir(), 'lunadefend-module-graph-'));
  });
  afterEach(async () => {
    await capture.close();
    rmSync(logDir, { recursive: true, force: true });
  });

  async function graphsOf(source: string, extension: '.mjs' | '.cjs'): Promise<Graphs> {
    const result = await runScript(source, cleanEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: capture.url }), extension);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as Graphs;
  }

  it.each([
    ['import (ESM)', () => esmScript(join(logDir, 'resolved.log')), '.mjs', /\/instrumentation\/dist\/start-metrics\.js$/],
    ['require (CommonJS)', () => cjsScript, '.cjs', /\/instrumentation\/cjs\/start-metrics\.js$/],
  ] as const)('%s loads neither yaml nor ajv, and OpenTelemetry only after start-up', async (_label, script, extension, ownModule) => {
    const graphs = await graphsOf(script(), extension);
    // The lists are real: the package's own modules are in them, and the export did happen.
    expect(graphs.afterImport.some((m) => ownModule.test(m))).toBe(true);
    expect(graphs.outcomes).toEqual({ succeeded: 2, failed: 0 });
    expect(graphs.afterExport.some((m) => /\/@opentelemetry\/sdk-metrics\//.test(m))).toBe(true);

    expect(graphs.afterImport.filter((m) => OPENTELEMETRY.test(m))).toEqual([]);
    expect(graphs.afterImport.filter((m) => FORBIDDEN.test(m))).toEqual([]);
    expect(graphs.afterExport.filter((m) => FORBIDDEN.test(m))).toEqual([]);
  });

  it.each([
    ['import (ESM)', () => contractEsmScript(join(logDir, 'resolved.log')), '.mjs', /\/instrumentation\/dist\/contract\/[a-z-]+\.js$/],
    ['require (CommonJS)', () => contractCjsScript, '.cjs', /\/instrumentation\/cjs\/contract\/[a-z-]+\.js$/],
  ] as const)('the contract subpath, by %s, loads its own files and nothing else', async (_label, script, extension, contractModule) => {
    const result = await runScript(script(), cleanEnv({}), extension);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { modules, metrics } = JSON.parse(result.stdout) as { modules: string[]; metrics: number };
    expect(metrics).toBeGreaterThan(0);
    // The script itself is the one other module a CommonJS process lists.
    const others = modules.filter((m) => !contractModule.test(m) && !/\/lunadefend-metrics-[^/]+\/child\.[cm]js$/.test(m));
    expect(modules.filter((m) => contractModule.test(m)).length).toBeGreaterThanOrEqual(4);
    expect(others).toEqual([]);
  });
});
