#!/usr/bin/env node
// The example tokenizer as a process: PORT (default 3000; 0 picks a free port), version from
// LUNADEFEND_SERVICE_VERSION (default: this package's version), everything else about telemetry
// from @lunadefend/metrics. Prints one JSON line {"msg":"listening","port":N} on stdout. On
// SIGTERM/SIGINT it stops accepting, lets requests in flight finish, flushes and exits 0.

import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { startMetrics } from '@lunadefend/metrics';
import { createTokenizerApp } from './app.js';

const DRAIN_TIMEOUT_MS = 5_000;

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 3000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`tokenizer: PORT=${JSON.stringify(raw)} is not a port number (0-65535)`);
    process.exit(1);
  }
  return port;
}

const port = parsePort(process.env.PORT);
const serviceVersion = process.env.LUNADEFEND_SERVICE_VERSION?.trim() || packageVersion();
const metrics = startMetrics({ serviceVersion });
const server = createTokenizerApp({ metrics }).listen(port, () => {
  const { port: bound } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: bound })}\n`);
});
server.on('error', (error) => {
  console.error(`tokenizer: cannot listen on port ${port}: ${error.message}`);
  process.exit(1);
});

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.error(JSON.stringify({ msg: 'stopping', signal }));
  // Stop accepting; requests in flight finish (and count) before the final flush.
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS);
  timer.unref();
  await drained;
  await metrics.shutdown();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
