// The built collector (`node processor/dist/main.js`) as a child process, as an operator would run
// it, through the test kit's one launcher: its log lines as text, the port it announces, how it
// ended. Tests that use it need `npx tsc -b processor`.

import { existsSync } from 'node:fs';
import { ENTRY_POINTS, REPO_ROOT, runEntry, spawnService, stopAllServices, type EntryResult, type ServiceProcess } from '@lunadefend/testkit';
import { afterEach, beforeAll } from 'vitest';

export const MAIN_JS = `${REPO_ROOT}${ENTRY_POINTS.collector}`;

export function assertBuilt(): void {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npx tsc -b processor\` first`);
}

/**
 * Registers the hooks of a suite that runs the built collector: checks the build once, and after
 * each test kills whatever collector is still running, then runs `cleanup` (receivers, fixtures).
 */
export function useCollectorProcesses(cleanup: () => unknown = () => undefined): void {
  beforeAll(() => assertBuilt());
  afterEach(async () => {
    await stopAllServices('SIGKILL');
    await cleanup();
  });
}

export interface CollectorProcess {
  readonly service: ServiceProcess;
  readonly child: ServiceProcess['child'];
  /** Every output line (stdout and stderr), as text. */
  readonly lines: string[];
  /** Resolves with the bound OTLP port from the start-up "listening" line; rejects if it exits first. */
  readonly listening: Promise<number>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnCollector(args: readonly string[], env: NodeJS.ProcessEnv): CollectorProcess {
  assertBuilt();
  const lines: string[] = [];
  const service = spawnService({ name: 'collector', entry: ENTRY_POINTS.collector, args, env, onLine: (text) => lines.push(text) });
  const listening = service.waitForLine((l) => l.msg === 'listening' && typeof l.port === 'number', 120_000).then((l) => l.port as number);
  listening.catch(() => undefined);
  const exited = service.exited.then((code) => ({ code, signal: service.child.signalCode }));
  return { service, child: service.child, lines, listening, exited };
}

/** Runs a CLI command to completion. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): EntryResult {
  assertBuilt();
  return runEntry(ENTRY_POINTS.collector, args, env, 20_000);
}
