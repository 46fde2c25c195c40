// An HTTP(S) agent whose sockets never keep the process alive: a service that ends on its own
// must not wait for telemetry. Keep-alive is kept so periodic exports reuse one connection.

import type http from 'node:http';
import type { Duplex } from 'node:stream';

type CreateConnection = (options: unknown, callback: unknown) => Duplex | null | undefined;

/** Makes every socket `agent` opens or reuses unref'd. Returns the same agent. */
export function unrefSockets<T extends http.Agent>(agent: T): T {
  // createConnection is how Agent opens every socket; wrapping it is the one supported seam.
  const holder = agent as unknown as { createConnection: CreateConnection };
  const open = holder.createConnection.bind(agent);
  holder.createConnection = (options, callback) => {
    const socket = open(options, callback);
    (socket as { unref?: () => void } | null | undefined)?.unref?.();
    return socket;
  };
  // Node re-refs a kept-alive socket when a request reuses it; an export in flight must not
  // hold the process open either.
  // Node's own reuseSocket also detaches the idle socket's error listener; calling it first keeps
  // that, so listeners do not pile up on a long-lived connection.
  const reuse = agent.reuseSocket.bind(agent);
  agent.reuseSocket = (socket, request) => {
    reuse(socket, request);
    (socket as { unref?: () => void }).unref?.();
  };
  return agent;
}
