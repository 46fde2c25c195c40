// What a service loads by adding the package, seen in a fresh process: importing it (ESM) or
// requiring it (CommonJS) loads no OpenTelemetry code and never config's YAML parser or JSON
// Schema validator; starting it and exporting once loads the SDK and exporter, still without them.
// Every module is recorded: ES modules by a resolve hook, CommonJS ones from require.cache.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, startOtlpCapture, type OtlpCapture } from '@lunadefend/testkit';
import { METRICS_CJS_PATH, METRICS_DIST_URL, runScript } from './testing/child-process.js';

const FORBIDDEN = /\/node_modules\/(yaml|ajv|ajv-formats)\/|\/config\/(src|dist)\/(collector-config|report-validator|env-substitution|units)\./;
const OPENTELEMETRY = /\/node_modules\/@opentelemetry\//;

// The hook appends each resolved URL to a file synchronously, so the list is complete once the
// import that caused the resolutions has settled.
const esmScript = (logFile: string): string => `
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
}\`));
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
    ['import (ESM)', () => esmScript(join(logDir, 'resolved.log')), '.mjs', /\/dist\/instrumentation\/src\/start-metrics\.js$/],
    ['require (CommonJS)', () => cjsScript, '.cjs', /\/cjs\/instrumentation\/src\/start-metrics\.js$/],
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
});
