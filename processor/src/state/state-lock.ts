// One collector per state directory. The lock is SQLite's own: an EXCLUSIVE transaction held on a
// small lock file for as long as the collector runs. SQLite takes it with POSIX record locks, which
// the kernel drops when the holding process dies, however it dies, so a lock left by a killed
// collector is free again by construction and is never taken over from a live one. Beside it, a
// holder file names the process for the message a second collector prints.

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CollectorError } from '../errors.js';

export const LOCK_FILE_NAME = 'collector.lock';
export const HOLDER_FILE_NAME = 'collector.lock.holder';

export interface StateLock {
  /** The previous holder, when it ended without releasing the lock (killed, crashed). */
  readonly tookOverFrom: LockHolder | undefined;
  release(): void;
}

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** Takes the directory's lock or throws STATE_LOCKED naming the holder. The directory must exist. */
export function lockStateDirectory(directory: string, nowMs: number): StateLock {
  const holderPath = join(directory, HOLDER_FILE_NAME);
  const db = new Database(join(directory, LOCK_FILE_NAME), { timeout: 0 });
  try {
    db.pragma('journal_mode = DELETE');
    db.exec('BEGIN EXCLUSIVE');
    // A write makes SQLite hold the lock on the file itself, not just intend to.
    db.exec('CREATE TABLE IF NOT EXISTS held (at INTEGER); DELETE FROM held; INSERT INTO held VALUES (0)');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY') === true || (error as { code?: string }).code === 'SQLITE_LOCKED') {
      const holder = readHolder(holderPath);
      const who = holder === undefined ? 'another collector' : `another collector (pid ${holder.pid} on ${holder.host}, since ${holder.since})`;
      throw new CollectorError(
        'STATE_LOCKED',
        `the state directory ${directory} is in use by ${who}; stop it first, or give this collector a directory of its own (extensions.file_storage.directory)`,
      );
    }
    throw error;
  }
  const previous = readHolder(holderPath);
  const holder: LockHolder = { pid: process.pid, host: hostname(), since: new Date(nowMs).toISOString() };
  writeFileSync(holderPath, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
  let released = false;
  return {
    tookOverFrom: previous,
    release() {
      if (released) return;
      released = true;
      rmSync(holderPath, { force: true });
      // Closing the connection ends the transaction and drops the kernel lock.
      db.close();
    },
  };
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, host: String(parsed.host ?? '?'), since: String(parsed.since ?? '?') } : undefined;
  } catch {
    return undefined;
  }
}
