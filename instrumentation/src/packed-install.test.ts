// The package as a customer gets it: `npm pack`, then an empty project installs the tarball with
// no registry access (`npm ci --offline`, every other package from npm's local cache at the
// repository's locked versions), and real services use it: an ES module service and a CommonJS
// one count against a real OTLP endpoint and their counts arrive exactly; TypeScript type-checks
// services and the README's examples under node16. attw and publint lint the tarball.

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, resourceAttributesOf, startOtlpCapture, totalsOf, type OtlpCapture } from '@lunadefend/testkit';
import { METRIC_NAMES } from './contract/index.js';
import { offlineLock } from './testing/offline-lock.js';

const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const BIN = (name: string): string => join(REPO, 'node_modules', '.bin', name);
const STACK_ID = '3d9c49ce-8367-43ec-8884-568c8d43faec';

/** The code blocks of one language in the package README, in order. */
function readmeBlocks(language: 'ts' | 'js'): string[] {
  const readme = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');
  return [...readme.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

const service = (importLine: string, version: string, exit: string): string => `${importLine}
const metrics = startMetrics({ serviceVersion: '${version}', stackId: '${STACK_ID}' });
for (let i = 0; i < 1234; i++) metrics.add('lunadefend.tokenize.success');
metrics.add('lunadefend.detokenize.failure', 7);
metrics.add('lunadefend.grant.create.success', 0);
${exit}`;

const ESM_SERVICE = service(
  "import { startMetrics } from '@lunadefend/metrics';",
  '2.0.0',
  'await metrics.shutdown();\nconsole.log(JSON.stringify(metrics.exportOutcomes()));',
);
// A CommonJS file that would fail on a Node without require(esm) if the package were ESM-only;
// it also proves which build it got.
const CJS_SERVICE = service(
  "const { startMetrics } = require('@lunadefend/metrics');\nif (!Object.keys(require.cache).some((p) => p.includes('/@lunadefend/metrics/cjs/'))) throw new Error('not the CommonJS build');",
  '3.0.0',
  'metrics.shutdown().then(() => console.log(JSON.stringify(metrics.exportOutcomes())));',
);
// Typed use: a misspelt metric name must not compile, in either module system.
const TYPED = (importLine: string): string => `${importLine}
const metrics: Metrics = startMetrics({ serviceVersion: '1.0.0' });
metrics.add('lunadefend.grant.create.failure');
// @ts-expect-error: not a catalog metric name
metrics.add('lunadefend.tokenize.sucess');
const mode: TelemetryMode = metrics.mode;
const name: MetricName = 'lunadefend.tokenize.success';
export { mode, name };
`;

describe('the packed package, installed offline into an empty project', () => {
  let work: string;
  let project: string;
  let tarball: string;
  let capture: OtlpCapture;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'lunadefend-packed-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: PACKAGE_DIR });
    const [packed] = JSON.parse(stdout) as { filename: string; integrity: string; files: { path: string }[] }[];
    tarball = join(work, packed!.filename);
    project = join(work, 'service');
    mkdirSync(project);
    const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { name: string; version: string; dependencies?: Record<string, string> };
    const spec = `file:../${packed!.filename}`;
    const { lock, devDependencies } = offlineLock(join(REPO, 'package-lock.json'), { name: manifest.name, spec, integrity: packed!.integrity, manifest }, ['@types/node']);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'service', private: true, dependencies: { [manifest.name]: spec }, devDependencies }, null, 2));
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify(lock, null, 2));
    // No registry: --offline makes any request that is not in the local cache fail.
    await run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: project, env: cleanEnv({ npm_config_registry: 'http://127.0.0.1:9/' }) });
    capture = await startOtlpCapture();
  }, 240_000);
  afterAll(async () => {
    await capture?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('ships the README and both builds, and no tests, sources or maps', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
    expect(files).toContain('README.md');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('cjs/index.js');
    expect(files).toContain('dist/contract/index.js');
    expect(files).toContain('cjs/contract/index.js');
    expect(files).toContain('cjs/package.json');
    expect(files).toContain('contract/package.json');
    expect(files.filter((f) => /\.test\.|testing\/|test-support|\.map$|\.tsbuildinfo$|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it.each([
    ['an ES module service', 'service.mjs', ESM_SERVICE, '2.0.0'],
    ['a CommonJS service', 'service.cjs', CJS_SERVICE, '3.0.0'],
  ])('%s counts, and exactly its counts arrive at the OTLP endpoint', async (_label, file, source, version) => {
    writeFileSync(join(project, file), source);
    const before = capture.requests.length;
    const { stdout, stderr } = await run(process.execPath, [file], { cwd: project, env: cleanEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: capture.url }) });
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toEqual({ succeeded: 1, failed: 0 });
    const received = capture.requests.slice(before);
    expect(received).toHaveLength(1);
    const body = received[0]!.body;
    expect(resourceAttributesOf(body)).toEqual({ 'service.version': version, 'lunadefend.stack_id': STACK_ID });
    expect(totalsOf(body)).toEqual({
      'lunadefend.tokenize.success': 1234,
      'lunadefend.tokenize.failure': 0,
      'lunadefend.detokenize.success': 0,
      'lunadefend.detokenize.failure': 7,
      'lunadefend.grant.create.success': 0,
      'lunadefend.grant.create.failure': 0,
    });
  }, 90_000);

  it('serves the contract subpath to import and to require', async () => {
    writeFileSync(join(project, 'contract.mjs'), "import { METRIC_NAMES } from '@lunadefend/metrics/contract';\nconsole.log(JSON.stringify(METRIC_NAMES));");
    writeFileSync(join(project, 'contract.cjs'), "console.log(JSON.stringify(require('@lunadefend/metrics/contract').METRIC_NAMES));");
    for (const file of ['contract.mjs', 'contract.cjs']) {
      const { stdout, stderr } = await run(process.execPath, [file], { cwd: project, env: cleanEnv({}) });
      expect(stderr).toBe('');
      expect(JSON.parse(stdout)).toEqual(METRIC_NAMES);
    }
  });

  // node16 here; nodenext and bundler resolution are attw's part below.
  it('type-checks ESM and CommonJS services and the README examples under module node16', async () => {
    const module = 'node16';
    const dir = join(project, `types-${module}`);
    mkdirSync(dir);
    const importTypes = "import { startMetrics, type Metrics, type MetricName, type TelemetryMode } from '@lunadefend/metrics';";
    writeFileSync(join(dir, 'typed.mts'), TYPED(importTypes));
    writeFileSync(join(dir, 'typed.cts'), TYPED(importTypes));
    // The README's examples: TypeScript as ES modules, JavaScript as CommonJS (checked as JS).
    const [ts, js] = [readmeBlocks('ts'), readmeBlocks('js')];
    expect(ts.length).toBeGreaterThan(0);
    expect(js.length).toBeGreaterThan(0);
    ts.forEach((code, i) => writeFileSync(join(dir, `readme-${i}.mts`), code));
    js.forEach((code, i) => writeFileSync(join(dir, `readme-${i}.cjs`), code));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        // Library files are not re-checked (slow; the package's declarations come from checked
        // sources): that its types are real, not `any`, is what the @ts-expect-error line shows.
        module, moduleResolution: module, target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true,
        allowJs: true, checkJs: true, types: ['node'],
      },
      include: ['*.mts', '*.cts', '*.cjs'],
    }));
    const result = await run(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir }).catch((error: { stdout: string }) => error);
    expect(result.stdout).toBe('');
  }, 180_000);

  it('is clean for attw (types under node10, node16 from CJS and ESM, bundler) and publint --strict', async () => {
    const failed = (error: { stdout: string; code: number }): { stdout: string; code: number } => error;
    const attw = await run(BIN('attw'), [tarball, '--format', 'ascii'], { cwd: work }).then((r) => ({ ...r, code: 0 }), failed);
    expect(attw.stdout).toContain('No problems found');
    expect(attw.code).toBe(0);
    const publint = await run(BIN('publint'), ['run', tarball, '--strict'], { cwd: work }).then((r) => ({ ...r, code: 0 }), failed);
    expect(publint.stdout).toContain('All good!');
    expect(publint.code).toBe(0);
  }, 120_000);
});
