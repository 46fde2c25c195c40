// `run` never half-runs: a listener that cannot bind, a state directory another collector holds,
// or a state file that is not usable state stops it at once with a non-zero exit and one line
// saying what and where; `status` reports the same state-file verdict.

import { writeFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeFixture, fixtureYaml, type Fixture } from '../testing/collector-fixture.js';
import { assertBuilt, runCli, spawnCollector, type CollectorProcess } from '../testing/collector-process.js';
import { STATE_FILE_NAME } from '../state/state-store.js';

let fixture: Fixture | undefined;
const procs: CollectorProcess[] = [];
let holder: Server | undefined;

beforeAll(() => assertBuilt());
afterEach(async () => {
  for (const proc of procs.splice(0)) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
  }
  await new Promise<void>((resolve) => (holder === undefined ? resolve() : holder.close(() => resolve())));
  holder = undefined;
  fixture?.cleanup();
  fixture = undefined;
});

async function takePort(): Promise<number> {
  holder = createServer();
  await new Promise<void>((resolve) => holder!.listen(0, '127.0.0.1', resolve));
  return (holder.address() as { port: number }).port;
}

function start(configPath: string, env: NodeJS.ProcessEnv = { LUNADEFEND_TELEMETRY: 'local' }): CollectorProcess {
  const proc = spawnCollector(['run', '--config', configPath], env);
  procs.push(proc);
  return proc;
}

/** A fixture whose YAML has `from` replaced by `to`. */
function editedConfig(from: string, to: string): string {
  fixture = makeFixture();
  const path = join(fixture.dir, 'edited.yaml');
  writeFileSync(path, fixtureYaml(fixture.dir).replace(from, to));
  return path;
}

describe('a listener that cannot bind', () => {
  it.each([
    ['health', 'health_check: { endpoint: 127.0.0.1:0 }', (p: number) => `health_check: { endpoint: 127.0.0.1:${p} }`, 'extensions.health_check.endpoint'],
    ['own metrics', 'metrics: { address: 127.0.0.1:0 }', (p: number) => `metrics: { address: 127.0.0.1:${p} }`, 'service.telemetry.metrics.address'],
    ['OTLP', 'endpoint: 127.0.0.1:0\n', (p: number) => `endpoint: 127.0.0.1:${p}\n`, 'receivers.otlp.protocols.http.endpoint'],
  ])('stops the collector with a non-zero exit when the %s port is taken, naming the address and the key', async (_what, from, to, key) => {
    const port = await takePort();
    const proc = start(editedConfig(from, to(port)));
    const exit = await Promise.race([proc.exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 10_000))]);
    expect(exit).toEqual({ code: 1, signal: null });
    const line = proc.lines.find((l) => l.includes('LISTEN_FAILED'));
    expect(line).toContain(`cannot listen on 127.0.0.1:${port} (${key}): EADDRINUSE`);
    expect(proc.lines.some((l) => l.includes('"msg":"listening"'))).toBe(false);
  });
});

describe('one collector per state directory', () => {
  it('refuses a second collector on the same state directory, naming the directory and the holder', async () => {
    fixture = makeFixture();
    const first = start(fixture.configPath);
    await first.listening;
    const second = start(fixture.configPath);
    expect(await second.exited).toEqual({ code: 1, signal: null });
    const line = second.lines.find((l) => l.includes('STATE_LOCKED')) ?? '';
    expect(line).toContain(`the state directory ${fixture.stateDirectory} is in use`);
    expect(line).toContain(`pid ${first.child.pid}`);
    expect(first.child.exitCode).toBeNull();
  });

  it('takes over the lock of a collector that was killed, and says so', async () => {
    fixture = makeFixture();
    const first = start(fixture.configPath);
    await first.listening;
    first.child.kill('SIGKILL');
    await first.exited;
    const second = start(fixture.configPath);
    await second.listening;
    expect(second.lines.some((l) => l.includes('took over the lock') && l.includes(`"pid":${first.child.pid}`))).toBe(true);
  });
});

describe('a state file that is not usable state', () => {
  const cases: [string, (path: string) => void, string, string][] = [
    ['empty (0 bytes)', (path) => writeFileSync(path, ''), 'STATE_CORRUPT', 'is empty (0 bytes)'],
    ['not a database', (path) => writeFileSync(path, 'this is not a SQLite database, just some text that is long enough to look like a header'), 'STATE_CORRUPT', 'is not a SQLite database'],
    ['from a newer collector', (path) => {
      const db = new Database(path);
      db.pragma('user_version = 999');
      db.close();
    }, 'STATE_TOO_NEW', 'has schema version 999'],
  ];

  it.each(cases)('refuses to run on a state file that is %s, and status says the same', async (_what, make, code, message) => {
    fixture = makeFixture();
    mkdirSync(fixture.stateDirectory, { recursive: true });
    const path = join(fixture.stateDirectory, STATE_FILE_NAME);
    make(path);
    const before = readFileSync(path);
    const proc = start(fixture.configPath);
    expect(await proc.exited).toEqual({ code: 1, signal: null });
    const line = proc.lines.find((l) => l.includes(code)) ?? '';
    expect(line).toContain(message);
    expect(line).toMatch(/restore it from a backup|run the newer collector/);
    expect(proc.lines.some((l) => l.includes('"msg":"listening"'))).toBe(false);
    // Never silently replaced: the file is exactly as it was.
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(statSync(path).size).toBe(before.length);

    const status = runCli(['status', '--config', fixture.configPath], { LUNADEFEND_TELEMETRY: 'local' });
    expect(status.status).toBe(1);
    expect(status.stdout).toContain(code);
    expect(status.stdout).toContain(message);
  });
});
