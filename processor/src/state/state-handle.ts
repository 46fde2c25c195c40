// Keeps the state file usable across faults: opens it lazily, turns any failure to open or write
// into STATE_UNAVAILABLE (the intake answers 503 + Retry-After), closes the broken connection and
// tries again on the next use, so a directory that becomes writable again (space freed,
// permissions fixed, volume remounted) recovers without a restart. It logs each transition once.
// A failed transaction is followed by SQLite's integrity check: a corrupt page or a damaged WAL
// will not heal by itself, so the handle then refuses every use (STATE_CORRUPT: 503 to OTLP, no
// sends) and says why in fault(), until a check passes again (the file was repaired or replaced).

import { mkdirSync } from 'node:fs';
import type { Logger } from '../component.js';
import { CollectorError, isRetryable } from '../errors.js';
import { stateFileProblem } from './state-file-check.js';
import { checkStateIntegrity } from './integrity.js';
import { HEALTH_NOTICES } from './notice-board.js';
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
  /** Why the state file is not to be trusted (a corrupt page, a damaged WAL), when it is not. */
  fault(): { readonly code: 'STATE_CORRUPT'; readonly reason: string } | undefined;
  close(): void;
}

export interface StateHandleOptions {
  readonly directory: string;
  readonly logger: Logger;
  readonly now: () => number;
}

/** How often a file found corrupt is checked again. */
const RECHECK_CORRUPT_MS = 30_000;

export function createStateHandle(options: StateHandleOptions): StateHandle {
  let store: StateStore | undefined;
  let identity: StateIdentity | undefined;
  let lock: StateLock | undefined;
  let healthy = true;
  let closed = false;
  let corrupt: { reason: string; checkedAtMs: number } | undefined;

  /** After a failed transaction: a full disk or a lock leaves the file sound; corruption does not. */
  const checkIntegrity = () => {
    const verdict = checkStateIntegrity(options.directory);
    if (verdict.kind === 'corrupt') {
      if (corrupt === undefined) {
        options.logger.error({ code: 'STATE_CORRUPT', reason: verdict.reason }, 'state: the state file is corrupt; answering 503 and sending nothing until it is repaired or replaced (see docs/guarantees.md)');
      }
      corrupt = { reason: verdict.reason, checkedAtMs: options.now() };
    } else if (verdict.kind === 'ok' && corrupt !== undefined) {
      corrupt = undefined;
      options.logger.info('state: the state file passes its integrity check again');
    }
  };

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
    // Checked on the first failure of SQLite itself, and whenever it says the file is damaged. A
    // CollectorError is already a verdict (the start-up file check ran its own integrity check).
    const code = String((error as { code?: unknown }).code ?? '');
    if (!(error instanceof CollectorError) && (healthy || code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')) checkIntegrity();
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
    if (corrupt !== undefined) {
      // Looked at again now and then: a repaired or replaced file is used again without a restart.
      if (options.now() - corrupt.checkedAtMs >= RECHECK_CORRUPT_MS) checkIntegrity();
      if (corrupt !== undefined) throw new CollectorError('STATE_CORRUPT', `state: ${corrupt.reason}`);
    }
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
        if (error instanceof CollectorError && error.code !== 'STATE_UNAVAILABLE' && error.code !== 'STATE_CORRUPT') throw error;
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
    writable: () => healthy && corrupt === undefined,
    fault: () => (corrupt === undefined ? undefined : { code: 'STATE_CORRUPT', reason: corrupt.reason }),
    probe() {
      try {
        this.write((s) => HEALTH_NOTICES.probe.set(s, options.now()));
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
