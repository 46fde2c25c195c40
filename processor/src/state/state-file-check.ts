// Checks an existing state file before it is opened for writing. Opening creates and migrates
// whatever SQLite will take — and SQLite takes a 0-byte file as a new, empty database — so a file
// that is empty, unreadable, not a database, from a newer collector or damaged would otherwise be
// silently replaced by fresh state with a new fallback stack id (one deployment counted as two).
// Such a file stops the collector instead; the message says what to do. A missing file is fine.

import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CollectorError } from '../errors.js';
import { STATE_SCHEMA_VERSION } from './migrations.js';
import { STATE_FILE_NAME } from './state-store.js';

/** Why an existing state file cannot be used, or undefined when it can (or does not exist). */
export function stateFileProblem(directory: string): CollectorError | undefined {
  const path = join(directory, STATE_FILE_NAME);
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return unreadable(path, (error as NodeJS.ErrnoException).code ?? String(error));
  }
  const keep = 'It is never replaced automatically';
  const aside = `move it aside to start with new state (a new fallback stack id unless LUNADEFEND_STACK_ID is set), or restore it from a backup`;
  if (size === 0) return new CollectorError('STATE_CORRUPT', `the state file ${path} is empty (0 bytes). ${keep}: ${aside}`);
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
  } catch (error) {
    return unreadable(path, (error as NodeJS.ErrnoException).code ?? String(error));
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > STATE_SCHEMA_VERSION) {
      return new CollectorError(
        'STATE_TOO_NEW',
        `the state file ${path} has schema version ${version}, newer than this collector's (${STATE_SCHEMA_VERSION}): run the newer collector, or ${aside}`,
      );
    }
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    const verdict = rows.map((r) => r.integrity_check).join('; ');
    if (verdict !== 'ok') return new CollectorError('STATE_CORRUPT', `the state file ${path} fails SQLite's integrity check (${verdict.slice(0, 200)}). ${keep}: ${aside}`);
    return undefined;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      return new CollectorError('STATE_CORRUPT', `the state file ${path} is not a SQLite database (${code}). ${keep}: ${aside}`);
    }
    // Anything else (I/O error, full disk, a WAL that cannot be opened) is not the file's fault:
    // the normal open reports it as STATE_UNAVAILABLE and the collector recovers when it clears.
    return undefined;
  } finally {
    db?.close();
  }
}

function unreadable(path: string, detail: string): CollectorError {
  return new CollectorError(
    'STATE_UNREADABLE',
    `the state file ${path} cannot be read and written (${detail}): give the collector's user access to it (and to its directory)`,
  );
}
