// Keeps the state file usable across faults: opens it lazily, turns any failure to open or write
// into STATE_UNAVAILABLE (the intake answers 503 + Retry-After), closes the broken connection and
// tries again on the next use, so a directory that becomes writable again (space freed,
// permissions fixed, volume remounted) recovers without a restart. It logs each transition once.

import { mkdirSync } from 'node:fs';
import type { Logger } from '../component.js';
import { CollectorError, isRetryable } from '../errors.js';
import { stateFileProblem } from './state-file-check.js';
import { loadStateIdentity, type StateIdentity } from './state-identity.js';
import { lockStateDirectory, type StateLock } from './state-lock.js';
import { openStateStore, toStateError, type StateStore } from './state-store.js';

export interface StateHandle {
  /** Runs fn in one transaction on the open store. Throws CollectorError (STATE_UNAVAILABLE). */
  write<T>(fn: (store: StateStore, identity: StateIdentity) => T): T;
  /** Runs fn on the open store without a transaction (reads). Throws like write(). */
  read<T>(fn: (store: StateStore) => T): T;
  /** Whether the last open or write succeeded. */
  writable(): boolean;
  /** Tries a small write now (health check); true when the state is writable. */
  probe(): boolean;
  close(): void;
}

export interface StateHandleOptions {
  readonly directory: string;
  readonly logger: Logger;
  readonly now: () => number;
}

export function createStateHandle(options: StateHandleOptions): StateHandle {
  let store: StateStore | undefined;
  let identity: StateIdentity | undefined;
  let lock: StateLock | undefined;
  let healthy = true;
  let closed = false;

  const fail = (error: unknown, context: string): CollectorError => {
    const failure = toStateError(error, context);
    if (store !== undefined) {
      try {
        store.close();
      } catch {
        // The connection is already broken; nothing more to release.
      }
      store = undefined;
    }
    if (healthy) {
      healthy = false;
      options.logger.error(
        { code: failure.code, reason: failure.message },
        isRetryable(failure.code) ? 'state: the state file cannot be written; answering 503 until it recovers' : 'state: the state file cannot be used',
      );
    }
    return failure;
  };

  const open = (): { store: StateStore; identity: StateIdentity } => {
    if (closed) throw new CollectorError('STATE_UNAVAILABLE', 'state: closed');
    if (store === undefined || identity === undefined) {
      try {
        // One collector per directory, and never over a file that is not usable state.
        if (lock === undefined) {
          mkdirSync(options.directory, { recursive: true, mode: 0o700 });
          lock = lockStateDirectory(options.directory, options.now());
          const previous = lock.tookOverFrom;
          if (previous !== undefined) options.logger.warn({ pid: previous.pid, since: previous.since }, 'state: took over the lock of a collector that ended without releasing it');
        }
        const problem = stateFileProblem(options.directory);
        if (problem !== undefined) throw problem;
        store = openStateStore({ directory: options.directory });
        identity = loadStateIdentity(store, { nowMs: options.now() });
      } catch (error) {
        throw fail(error, `cannot open the state file in ${options.directory}`);
      }
    }
    return { store, identity };
  };

  const recovered = () => {
    if (!healthy) {
      healthy = true;
      options.logger.info('state: the state file is writable again');
    }
  };

  return {
    write(fn) {
      const opened = open();
      let result;
      try {
        result = opened.store.transaction(() => fn(opened.store, opened.identity));
      } catch (error) {
        if (error instanceof CollectorError && error.code !== 'STATE_UNAVAILABLE') throw error;
        throw fail(error, 'cannot write the state file');
      }
      recovered();
      return result;
    },
    read(fn) {
      const opened = open();
      try {
        return fn(opened.store);
      } catch (error) {
        throw fail(error, 'cannot read the state file');
      }
    },
    writable: () => healthy,
    probe() {
      try {
        this.write((s) => s.metadata.set('health_probe', String(options.now())));
        return true;
      } catch {
        return false;
      }
    },
    close() {
      closed = true;
      store?.close();
      store = undefined;
      lock?.release();
      lock = undefined;
    },
  };
}
