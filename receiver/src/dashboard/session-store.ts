// Signed-in dashboard sessions, kept in this process's memory. The cookie carries only a random
// opaque id (256 bits), never the admin token; the id is stored hashed so a heap dump does not
// hand out live sessions. Sessions end on sign-out, after `idleMs` without use, or `ttlMs` after
// sign-in, whichever comes first. A restart signs everyone out, and replicas do not share
// sessions: behind a load balancer, pin /dashboard to one replica (the data itself is shared).

import { createHash, randomBytes } from 'node:crypto';

export interface SessionStoreOptions {
  /** Longest life of a session from sign-in. */
  readonly ttlMs: number;
  /** A session unused for this long ends. */
  readonly idleMs: number;
  /** Memory bound; when full, expired sessions go first, then the oldest. */
  readonly maxSessions: number;
  readonly now: () => Date;
}

export interface SessionStore {
  /** Starts a session and returns its id (the cookie value). */
  create(): { id: string; maxAgeMs: number };
  /** True when `id` names a live session; refreshes its idle timer. */
  touch(id: string | undefined): boolean;
  destroy(id: string | undefined): void;
  size(): number;
}

interface Session {
  readonly expiresAt: number;
  lastUsedAt: number;
}

const hashId = (id: string): string => createHash('sha256').update(id).digest('base64url');

export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const sessions = new Map<string, Session>();
  const isLive = (session: Session, at: number): boolean =>
    at < session.expiresAt && at - session.lastUsedAt < options.idleMs;

  const makeRoom = (at: number): void => {
    if (sessions.size < options.maxSessions) return;
    for (const [key, session] of sessions) if (!isLive(session, at)) sessions.delete(key);
    // Map iteration follows insertion order, so the first key is the oldest sign-in.
    while (sessions.size >= options.maxSessions) {
      const oldest = sessions.keys().next().value;
      if (oldest === undefined) break;
      sessions.delete(oldest);
    }
  };

  return {
    create() {
      const at = options.now().getTime();
      makeRoom(at);
      const id = randomBytes(32).toString('base64url');
      sessions.set(hashId(id), { expiresAt: at + options.ttlMs, lastUsedAt: at });
      return { id, maxAgeMs: options.ttlMs };
    },
    touch(id) {
      if (id === undefined || id === '') return false;
      const key = hashId(id);
      const session = sessions.get(key);
      if (session === undefined) return false;
      const at = options.now().getTime();
      if (!isLive(session, at)) {
        sessions.delete(key);
        return false;
      }
      session.lastUsedAt = at;
      return true;
    },
    destroy(id) {
      if (id !== undefined) sessions.delete(hashId(id));
    },
    size: () => sessions.size,
  };
}
