// The collector's one state file: better-sqlite3 in WAL mode with synchronous=FULL, so a
// committed transaction survives kill -9 and power loss. Every write the pipeline makes goes
// through transaction(); the tables are thin prepared-statement wrappers (tables.ts).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CollectorError } from '../errors.js';
import { migrate } from './migrations.js';
import { createTables, type Tables } from './tables.js';

export const STATE_FILE_NAME = 'collector-state.sqlite';

export interface StateStore extends Tables {
  readonly path: string;
  /** Runs fn in one IMMEDIATE transaction; it commits (durably) before returning. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

export interface OpenStateOptions {
  readonly directory: string;
  /** Open for reading only (CLI preview/status while a collector runs). */
  readonly readonly?: boolean;
}

/** Opens (creating if needed) the state file. Throws CollectorError STATE_UNAVAILABLE. */
export function openStateStore(options: OpenStateOptions): StateStore {
  const path = join(options.directory, STATE_FILE_NAME);
  let db: Database.Database | undefined;
  try {
    if (options.readonly === true) {
      db = new Database(path, { readonly: true, fileMustExist: true });
    } else {
      mkdirSync(options.directory, { recursive: true, mode: 0o700 });
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      migrate(db);
    }
    db.pragma('busy_timeout = 2000');
    const open = db;
    const tables = createTables(open);
    return {
      path,
      ...tables,
      transaction: <T>(fn: () => T): T => open.transaction(fn).immediate(),
      close: () => {
        if (open.open) open.close();
      },
    };
  } catch (error) {
    if (db?.open === true) db.close();
    throw toStateError(error, `cannot open the state file in ${options.directory}`);
  }
}

/** Classifies a failure of the state file: everything is STATE_UNAVAILABLE except a too-new schema. */
export function toStateError(error: unknown, context: string): CollectorError {
  if (error instanceof CollectorError) return error;
  const code = (error as { code?: unknown }).code;
  const detail = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
  return new CollectorError('STATE_UNAVAILABLE', `${context}: ${detail}`, { cause: error });
}
