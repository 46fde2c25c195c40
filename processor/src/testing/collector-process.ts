// Runs the built collector (`node processor/dist/main.js`) as a child process, as an operator
// would, and reads its JSON-line logs from stdout. Tests that use it need `npx tsc -b processor`.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const MAIN_JS = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npx tsc -b processor\` first`);
}

export interface CollectorProcess {
  readonly child: ChildProcess;
  readonly lines: string[];
  /** Resolves with the bound OTLP port from the start-up "listening" line. */
  readonly listening: Promise<number>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnCollector(args: readonly string[], env: NodeJS.ProcessEnv): CollectorProcess {
  assertBuilt();
  const child = spawn(process.execPath, [MAIN_JS, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffered = '';
  let onListening: ((port: number) => void) | undefined;
  let onFail: ((error: Error) => void) | undefined;
  const listening = new Promise<number>((resolve, reject) => {
    onListening = resolve;
    onFail = reject;
  });
  listening.catch(() => undefined);
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      lines.push(line);
      try {
        const parsed = JSON.parse(line) as { msg?: string; port?: number };
        if (parsed.msg === 'listening' && typeof parsed.port === 'number') onListening?.(parsed.port);
      } catch {
        // not a log line
      }
      newline = buffered.indexOf('\n');
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => lines.push(`stderr: ${chunk.toString('utf8')}`));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      onFail?.(new Error(`collector exited (${code ?? signal}) before listening:\n${lines.join('\n')}`));
      resolve({ code, signal });
    });
  });
  return { child, lines, listening, exited };
}

/** Runs a CLI command to completion. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  assertBuilt();
  const result = spawnSync(process.execPath, [MAIN_JS, ...args], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
