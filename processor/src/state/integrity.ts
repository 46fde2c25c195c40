// SQLite's own check of the state file, run when a transaction has failed: it tells a full disk
// or a lock (the file is sound; retry later) from a corrupt page or a damaged WAL (it will not heal
// by itself; say so and stop acknowledging). quick_check reads every page once and costs
// milliseconds on a state file this size; it runs on its own read-only connection.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { STATE_FILE_NAME } from './state-store.js';

export type IntegrityVerdict =
  | { readonly kind: 'ok' }
  /** The check itself could not run (file missing, locked, unreadable): nothing is known. */
  | { readonly kind: 'unknown'; readonly reason: string }
  | { readonly kind: 'corrupt'; readonly reason: string };

/** The first few problems quick_check reports, for the log, health and `status`. */
const MAX_PROBLEMS = 3;

export function checkStateIntegrity(directory: string): IntegrityVerdict {
  const path = join(directory, STATE_FILE_NAME);
  if (!existsSync(path)) return { kind: 'unknown', reason: 'no state file' };
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 2000');
    const rows = db.pragma(`quick_check(${MAX_PROBLEMS})`) as { quick_check: string }[];
    const problems = rows.map((r) => r.quick_check).filter((p) => p !== 'ok');
    return problems.length === 0 ? { kind: 'ok' } : { kind: 'corrupt', reason: `quick_check: ${problems.join('; ')}` };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // SQLite refuses to even read a file whose header or schema is damaged: that is corruption too.
    if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return { kind: 'corrupt', reason: String(code) };
    return { kind: 'unknown', reason: typeof code === 'string' ? code : error instanceof Error ? error.message : String(error) };
  } finally {
    if (db?.open === true) db.close();
  }
}
