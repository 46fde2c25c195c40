// The demo uses fixed, well-known ports so the URLs it prints are the ones in the docs. Before
// starting anything it checks each one, so a taken port fails with a message naming the port and
// the part that needs it instead of a child's stack trace.

import { createServer } from 'node:net';

export interface PortNeed {
  /** Which part listens there, e.g. "receiver (stats API and dashboard)". */
  readonly owner: string;
  /** Undefined: every interface (how the example tokenizer listens). */
  readonly host: string | undefined;
  readonly port: number;
}

/** Resolves with undefined when the port can be bound, or with the error code (EADDRINUSE, EACCES…). */
export function probePort(host: string | undefined, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** One message per port that cannot be bound; empty when all are free. */
export async function unavailablePorts(needs: readonly PortNeed[]): Promise<string[]> {
  const problems: string[] = [];
  for (const need of needs) {
    const code = await probePort(need.host, need.port);
    if (code === undefined) continue;
    const where = `${need.host ?? '*'}:${need.port}`;
    const why = code === 'EADDRINUSE' ? 'is already in use' : `cannot be bound (${code})`;
    problems.push(`port ${where}, needed by the ${need.owner}, ${why}`);
  }
  return problems;
}
