// A collector that is not there must cost the service nothing: a real process makes 100k add()
// calls, flushes and shuts down against a closed port, and must end on its own with nothing
// thrown and no unhandled rejection.

import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { cleanEnv } from '@lunadefend/testkit';
import { METRICS_DIST_URL, runScript } from './testing/child-process.js';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const script = `
import { startMetrics } from ${JSON.stringify(METRICS_DIST_URL)};
const problems = [];
process.on('unhandledRejection', (reason) => { problems.push('unhandledRejection: ' + String(reason)); });
process.on('uncaughtException', (error) => { problems.push('uncaughtException: ' + String(error)); });
try {
  const metrics = startMetrics({ serviceVersion: '1.4.2' });
  const names = ['lunadefend.tokenize.success', 'lunadefend.detokenize.failure', 'lunadefend.grant.create.success'];
  for (let i = 0; i < 100_000; i++) metrics.add(names[i % 3]);
  await metrics.flush();
  await metrics.shutdown();
  console.log(JSON.stringify({ done: true, ignored: metrics.ignoredCalls(), outcomes: metrics.exportOutcomes() }));
  process.on('exit', () => console.error('exit ' + (Date.now() - doneAt) + ' ms after shutdown resolved'));
  const doneAt = Date.now();
} catch (error) {
  problems.push('threw: ' + String(error));
}
process.on('exit', () => { if (problems.length > 0) { console.log(JSON.stringify({ problems })); process.exitCode = 3; } });
`;

describe('collector unreachable', () => {
  it('100k add() calls, flush and shutdown raise nothing and the process exits on its own', async () => {
    const port = await closedPort();
    const result = await runScript(script, cleanEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }));
    expect(result.stdout).not.toContain('problems');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.trim())).toEqual({ done: true, ignored: 0, outcomes: { succeeded: 0, failed: expect.any(Number) as number } });
    // Nothing else on stderr: an unreachable collector is a debug line at most (NODE_DEBUG is unset).
    expect(result.stderr).toMatch(/^exit \d+ ms after shutdown resolved\n$/);
    console.log(`unreachable collector: child ran ${result.elapsedMs} ms; ${result.stderr.trim()}`);
  }, 60_000);

  it('a collector that accepts connections but never answers cannot hold the process either', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => { sockets.add(socket); });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as net.AddressInfo;
      const result = await runScript(script, cleanEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }));
      expect(result.stdout).not.toContain('problems');
      expect(result.code).toBe(0);
      expect(sockets.size).toBeGreaterThan(0);
      console.log(`silent collector: child ran ${result.elapsedMs} ms; ${result.stderr.trim()}`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 60_000);
});
