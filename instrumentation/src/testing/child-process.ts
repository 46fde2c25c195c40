// Runs a small ESM script in a fresh `node` process against the built package (dist/), so a
// test can watch what a real process does on its own: which sockets it opens, whether it exits.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** file:// URL of the built package entry point, for `import` in child scripts. */
export const METRICS_DIST_URL = pathToFileURL(fileURLToPath(new URL('../../dist/index.js', import.meta.url))).href;
/** Path of the CommonJS build's entry point, for `require` in child scripts. */
export const METRICS_CJS_PATH = fileURLToPath(new URL('../../cjs/index.js', import.meta.url));
/** The contract subpath's built entry points (ESM URL and CommonJS path). */
export const CONTRACT_DIST_URL = pathToFileURL(fileURLToPath(new URL('../../dist/contract/index.js', import.meta.url))).href;
export const CONTRACT_CJS_PATH = fileURLToPath(new URL('../../cjs/contract/index.js', import.meta.url));

export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
}

/** Writes `source` to a temp file (.mjs unless told) and runs it; resolves when the process exits by itself. */
export function runScript(source: string, env: NodeJS.ProcessEnv, extension: '.mjs' | '.cjs' = '.mjs'): Promise<ChildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'lunadefend-metrics-'));
  const file = join(dir, `child${extension}`);
  writeFileSync(file, source);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}
