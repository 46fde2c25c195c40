// The receiver never half-runs either: a port it cannot bind stops it with a non-zero exit and one
// line naming the address and the variables that set it.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ENTRY_POINTS, runEntry } from '@lunadefend/testkit';

describe('lunadefend-receiver serve', () => {
  let holder: Server | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (holder === undefined ? resolve() : holder.close(() => resolve())));
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('exits non-zero when its port is taken, naming the address, HOST and PORT', async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder!.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    dir = mkdtempSync(join(tmpdir(), 'lunadefend-receiver-port-'));
    const result = runEntry(ENTRY_POINTS.receiver, ['serve'], { HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: `sqlite:${join(dir, 'receiver.db')}` });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`lunadefend-receiver: cannot listen on 127.0.0.1:${port} (HOST, PORT): EADDRINUSE`);
  });
});
