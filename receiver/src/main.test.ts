// The real `lunadefend-receiver` process (built dist/: run `npx tsc -b receiver` first).

import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { formatUtcTimestamp } from '@lunadefend/config';
import { ENTRY_POINTS, listeningPort, runEntry, spawnService, stopAllServices, type EntryResult, type ServiceProcess } from '@lunadefend/testkit';
import { makeReport } from './storage/contract.js';
import { SQLITE_MIGRATIONS } from './storage/sqlite-migrations.js';

const dir = mkdtempSync(join(tmpdir(), 'lunadefend-receiver-cli-'));
afterEach(() => stopAllServices('SIGKILL'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const baseEnv = (db: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  DATABASE_URL: `sqlite:${join(dir, db)}`,
  ...extra,
});

const run = (args: string[], env: NodeJS.ProcessEnv): EntryResult => runEntry(ENTRY_POINTS.receiver, args, env, 20_000);

/** Starts `serve` and resolves with the port from the "listening" log line. */
async function serve(env: NodeJS.ProcessEnv): Promise<{ service: ServiceProcess; port: number; lines: Record<string, unknown>[] }> {
  const service = spawnService({ name: 'receiver', entry: ENTRY_POINTS.receiver, env });
  return { service, port: await listeningPort(service), lines: service.lines };
}

/** A report for the last complete 2-second window. */
function shortWindowReport(stackId = randomUUID()) {
  const start = Math.floor(Date.now() / 2000) * 2000 - 2000;
  return makeReport({ stack_id: stackId, startMs: start, windowMs: 2000, window: { start: formatUtcTimestamp(start), end: formatUtcTimestamp(start + 2000) } });
}

describe('lunadefend-receiver', () => {
  it('serves on PORT=0, logs the bound port as JSON, accepts a short-window report and stops on SIGTERM', async () => {
    const { service, port, lines } = await serve(baseEnv('serve.db', { PORT: '0', LUNADEFEND_WINDOW: '2s' }));
    expect(port).toBeGreaterThan(0);
    expect(lines.find((l) => l.msg === 'listening')).toMatchObject({ host: '127.0.0.1', tls: false });
    const response = await fetch(`http://127.0.0.1:${port}/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(shortWindowReport()),
    });
    expect(response.status).toBe(202);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(await service.stop()).toBe(0);
  });

  it('migrates on demand and manages the block list from the command line', async () => {
    const env = baseEnv('admin.db', { PORT: '0', LUNADEFEND_WINDOW: '2s' });
    const versions = SQLITE_MIGRATIONS.map((m) => m.version);
    expect(run(['migrate'], env)).toMatchObject({ status: 0, stdout: expect.stringContaining(`applied ${versions.join(', ')} (schema version ${versions.at(-1)})`) });
    expect(run(['migrate'], env).stdout).toContain(`up to date (schema version ${versions.at(-1)})`);
    const stack = randomUUID();
    expect(run(['block', stack, '--reason', 'fake counts'], env)).toMatchObject({ status: 0 });
    expect(run(['blocked'], env).stdout).toContain(`${stack}\t`);
    expect(run(['block', 'not-a-uuid'], env).status).toBe(2);

    const { service, port } = await serve(env);
    const post = () =>
      fetch(`http://127.0.0.1:${port}/v1/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(shortWindowReport(stack)),
      });
    expect((await post()).status).toBe(403);
    await service.stop();
    expect(run(['unblock', stack], env).stdout).toContain(`unblocked ${stack}`);
    // Seven Node start-ups in a row: on a busy two-core machine each can take seconds, so this
    // guard against a hang is looser than the suite's default.
  }, 90_000);

  it('refuses bad configuration at start-up, naming the variable and value', () => {
    const result = run(['serve'], baseEnv('bad.db', { PORT: 'eighty' }));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('PORT="eighty": must be an integer from 0 to 65535');
    expect(run(['frobnicate'], baseEnv('bad.db')).status).toBe(2);
  });

  it('serves HTTPS when a certificate and key are configured', async () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'ignore' });
    const { service, port, lines } = await serve(
      baseEnv('tls.db', { PORT: '0', LUNADEFEND_TLS_CERT_FILE: cert, LUNADEFEND_TLS_KEY_FILE: key }),
    );
    expect(lines.find((l) => l.msg === 'listening')).toMatchObject({ tls: true });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/healthz', ca: readFileSync(cert) }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    await service.stop();
  });

  it('makes a log key only when asked, never replaces one, and refuses to serve with a missing or foreign key file', async () => {
    const keyFile = join(dir, 'log.key');
    const env = baseEnv('keys.db', { LUNADEFEND_LOG_KEY_FILE: keyFile, PORT: '0' });
    const missing = run([], env);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('LUNADEFEND_LOG_KEY_FILE');
    expect(missing.stderr).toContain('keygen');

    const made = run(['keygen', '--name', 'receiver.test/log'], env);
    expect(made.status).toBe(0);
    const verifier = made.stdout.trim().split('\n').at(-1)!;
    expect(verifier).toMatch(/^receiver\.test\/log\+[0-9a-f]{8}\+/);
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^PRIVATE\+KEY\+receiver\.test\/log\+/);
    const again = run(['keygen'], env);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('exists');

    const { service, port } = await serve(env);
    const key = await (await fetch(`http://127.0.0.1:${port}/v1/log/key`)).text();
    expect(key.trim()).toBe(verifier);
    await service.stop();

    const foreign = join(dir, 'foreign.key');
    writeFileSync(foreign, 'not a key\n');
    const refused = run([], baseEnv('keys.db', { LUNADEFEND_LOG_KEY_FILE: foreign, PORT: '0' }));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('does not hold a signer key');
    expect(refused.stderr).not.toContain('not a key');
  }, 120_000);
});
