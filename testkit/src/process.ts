// The one launcher of real processes, for tests, the local demo and benchmarks: spawn a built
// entry point, read its JSON-line logs, wait for the line that announces its port, stop it with a
// signal (and SIGKILL when it does not go in time). Every process spawned here is tracked, so a
// test's afterEach or the demo's signal handler can stop whatever is still running, even after a
// failure. `runEntry` runs a CLI command to completion the same way.

import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is testkit/src/ or testkit/dist/). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Entry points of the three runnable parts, relative to the repository root. */
export const ENTRY_POINTS = {
  tokenizer: 'instrumentation/examples/tokenizer/dist/main.js',
  collector: 'processor/dist/main.js',
  receiver: 'receiver/dist/main.js',
} as const;

/** How long stop() waits after its signal before it sends SIGKILL. */
export const STOP_GRACE_MS = 10_000;

export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Every JSON log line received so far (non-JSON lines are kept as { raw }). */
  readonly lines: Record<string, unknown>[];
  /** Resolves with the first log line matching `predicate`. */
  waitForLine(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /**
   * Sends `signal` (default SIGTERM), then SIGKILL if the process is still there after `graceMs`;
   * resolves with the exit code (null when it ended by a signal) once the process is gone.
   */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
  /** Whether the process has exited. */
  running(): boolean;
  readonly exited: Promise<number | null>;
}

export interface SpawnOptions {
  readonly name: string;
  /** Relative to the repository root (or to `cwd`). */
  readonly entry: string;
  readonly args?: readonly string[];
  /** The working directory (default: the repository root). */
  readonly cwd?: string;
  /** The child's whole environment besides PATH and HOME: nothing else is inherited. */
  readonly env?: NodeJS.ProcessEnv;
  /** Echo the process's output to this process's stdout with a name prefix. */
  readonly echo?: boolean;
  /** Called with every output line (after it is recorded). */
  readonly onLine?: (text: string, line: Record<string, unknown>) => void;
  /** Append every output line to this file. */
  readonly logFile?: string;
  /**
   * Own process group: a Ctrl-C in the terminal reaches only this process, which then stops its
   * children in order (the demo stops the tokenizer first so its final flush reaches the collector).
   */
  readonly detached?: boolean;
}

const live = new Set<ServiceProcess>();

/** The child's environment: PATH and HOME, then only what the caller gives. */
function childEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
}
let exitHookInstalled = false;

/** Spawns `node <entry> ...args` from the repository root with a clean telemetry environment. */
export function spawnService(options: SpawnOptions): ServiceProcess {
  if (!exitHookInstalled) {
    // However this process ends (a test worker torn down, the demo failing), no child outlives it.
    process.once('exit', killAllServicesNow);
    exitHookInstalled = true;
  }
  const child = spawn(process.execPath, [options.entry, ...(options.args ?? [])], {
    cwd: options.cwd ?? REPO_ROOT,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  const log: WriteStream | undefined = options.logFile === undefined ? undefined : createWriteStream(options.logFile, { flags: 'a' });
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<{ predicate: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }>();
  const onLine = (text: string): void => {
    if (options.echo === true) console.log(`[${options.name}] ${text}`);
    log?.write(`${text}\n`);
    let line: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      line = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : { raw: text };
    } catch {
      line = { raw: text };
    }
    lines.push(line);
    options.onLine?.(text, line);
    for (const waiter of waiters) {
      if (waiter.predicate(line)) {
        waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', onLine);
  // 'close' comes after the output streams ended, so every line is recorded when `exited` resolves.
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      live.delete(service);
      log?.end();
      resolve(code);
    }),
  );
  // A spawn failure (no such executable) also ends in 'close'; this keeps it from being thrown.
  child.on('error', () => undefined);
  const isRunning = (): boolean => child.exitCode === null && child.signalCode === null;
  const recent = (): string => lines.slice(-10).map((l) => JSON.stringify(l)).join('\n');

  const service: ServiceProcess = {
    name: options.name,
    child,
    lines,
    exited,
    running: isRunning,
    waitForLine(predicate, timeoutMs = 20_000) {
      const found = lines.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve: (line: Record<string, unknown>) => { clearTimeout(timer); resolve(line); } };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${options.name}: no matching log line within ${timeoutMs} ms; last lines:\n${recent()}`));
        }, timeoutMs);
        waiters.add(waiter);
        void exited.then((code) => {
          if (!waiters.has(waiter)) return;
          waiters.delete(waiter);
          clearTimeout(timer);
          reject(new Error(`${options.name} exited with ${code} before the expected log line; last lines:\n${recent()}`));
        });
      });
    },
    async stop(signal = 'SIGTERM', graceMs = STOP_GRACE_MS) {
      if (!isRunning()) return exited;
      child.kill(signal);
      if (signal === 'SIGKILL') return exited;
      const timer = setTimeout(() => {
        if (isRunning()) child.kill('SIGKILL');
      }, graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  live.add(service);
  return service;
}

/** Every spawned process that has not exited yet. */
export function liveServices(): ServiceProcess[] {
  return [...live];
}

/** Stops every process spawned here that is still running (for afterEach and signal handlers). */
export async function stopAllServices(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  await Promise.all(liveServices().map((service) => service.stop(signal)));
}

/** Last resort on exit: SIGKILL, synchronously, whatever is still running. */
export function killAllServicesNow(): void {
  for (const service of live) {
    if (service.running()) service.child.kill('SIGKILL');
  }
}

/** Waits for the start-up line `{"msg":"listening", "port": N}` (first one) and returns N. */
export async function listeningPort(service: ServiceProcess, timeoutMs?: number): Promise<number> {
  const line = await service.waitForLine((l) => l.msg === 'listening' && typeof l.port === 'number', timeoutMs);
  return line.port as number;
}

export interface EntryResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node <entry> ...args` from the repository root to completion (a CLI command, as an operator would). */
export function runEntry(entry: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): EntryResult {
  const result = spawnSync(process.execPath, [entry, ...args], { cwd: REPO_ROOT, env: childEnv(env), encoding: 'utf8', timeout: timeoutMs });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `runEntry` without blocking this process: for a command that talks to a server this process runs. */
export function runEntryAsync(entry: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<EntryResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [entry, ...args], { cwd: REPO_ROOT, env: childEnv(env), timeout: timeoutMs }, (error, stdout, stderr) =>
      resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }),
    );
  });
}
