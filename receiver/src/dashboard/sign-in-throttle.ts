// Caps failed sign-ins per minute per client, so online guessing is slow while an outsider's
// flood cannot lock the operator out: only the client that failed waits. A client is the keyed
// hash of its address (abuse/client-key.ts), never the address itself. The table is bounded;
// when full, the entry that failed longest ago is dropped.

export interface SignInThrottleOptions {
  readonly maxFailuresPerWindow: number;
  readonly windowMs: number;
  /** Most clients remembered at once. */
  readonly maxClients: number;
  readonly now: () => Date;
}

export interface SignInThrottle {
  /** Milliseconds until this client may try again, or 0 when it may try now. */
  retryAfterMs(client: string): number;
  recordFailure(client: string): void;
}

interface Entry {
  windowStart: number;
  failures: number;
}

export function createSignInThrottle(options: SignInThrottleOptions): SignInThrottle {
  // Insertion order = order of the latest failure window, so the first key is the oldest.
  const clients = new Map<string, Entry>();
  const current = (client: string, at: number): Entry | undefined => {
    const entry = clients.get(client);
    if (entry !== undefined && at - entry.windowStart >= options.windowMs) {
      clients.delete(client);
      return undefined;
    }
    return entry;
  };
  return {
    retryAfterMs(client) {
      const at = options.now().getTime();
      const entry = current(client, at);
      return entry !== undefined && entry.failures >= options.maxFailuresPerWindow ? entry.windowStart + options.windowMs - at : 0;
    },
    recordFailure(client) {
      const at = options.now().getTime();
      const entry = current(client, at);
      if (entry !== undefined) {
        entry.failures += 1;
        return;
      }
      if (clients.size >= options.maxClients) {
        const oldest = clients.keys().next().value;
        if (oldest !== undefined) clients.delete(oldest);
      }
      clients.set(client, { windowStart: at, failures: 1 });
    },
  };
}
