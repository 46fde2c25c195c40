// `npm start` with one of its fixed ports taken: the demo stops before starting anything, with a
// message naming the port and the part that needs it (not a child's stack trace).

import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runEntry } from '@lunadefend/testkit';

const DEMO = 'demo/dist/main.js';

describe('npm start (the local demo)', () => {
  let holder: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (holder === undefined ? resolve() : holder.close(() => resolve())));
    holder = undefined;
  });

  it('refuses to start when the receiver port 8080 is taken, naming the port and its user', async () => {
    holder = createServer();
    // If something else already holds 8080 the demo must refuse just the same.
    await new Promise<void>((resolve) => {
      holder!.once('error', () => resolve());
      holder!.listen(8080, '127.0.0.1', () => resolve());
    });
    const result = runEntry(DEMO, []);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('port 127.0.0.1:8080, needed by the receiver (reports, stats API, dashboard), is already in use');
    expect(result.stdout).toMatch(/shortened to 15s \(LUNADEFEND_WINDOW=15s/);
    expect(result.stdout).not.toContain('Running.');
  }, 60_000);
});
