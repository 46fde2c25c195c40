// Optional ingest keys for private fleets (LUNADEFEND_INGEST_KEYS names a file; off when unset).
// The file holds one SHA-256 hash per line, `sha256:<64 hex>`, with `#` comments; the keys
// themselves never reach the receiver's disk. A report must carry `Authorization: Bearer <key>`
// whose hash is in the file, or it is refused 401 before its body is read, and nothing is stored.
// The presented key is hashed and compared with every listed hash in constant time; it is never
// logged. The file is re-read when it changes (checked at most every `refreshMs`), so revoking a
// key is deleting its line.

import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { RequestHandler } from 'express';
import { ReceiverError } from '../errors.js';

export interface IngestKeys {
  /** True when `presented` is a listed key. */
  accepts(presented: string): boolean;
}

export class IngestKeysFileError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(line === 0 ? reason : `line ${line}: ${reason}`);
    this.name = 'IngestKeysFileError';
  }
}

/** The line to put in the keys file for a key. */
export function ingestKeyHashLine(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/** Parses the file's text; throws IngestKeysFileError naming the first bad line (never its content). */
export function parseIngestKeys(text: string): Buffer[] {
  const hashes: Buffer[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const match = /^sha256:([0-9a-f]{64})$/i.exec(line);
    if (match === null) throw new IngestKeysFileError(i + 1, 'must be sha256:<64 hex digits> (the hash of a key, never the key)');
    hashes.push(Buffer.from(match[1]!, 'hex'));
  });
  return hashes;
}

export function createIngestKeys(options: { readonly file: string; readonly refreshMs?: number; readonly nowMs?: () => number }): IngestKeys {
  const refreshMs = options.refreshMs ?? 5000;
  const nowMs = options.nowMs ?? Date.now;
  const stamp = (): string => {
    const s = statSync(options.file);
    return `${s.mtimeMs}/${s.size}/${s.ino}`;
  };
  let version = stamp();
  let hashes = parseIngestKeys(readFileSync(options.file, 'utf8'));
  let checkedAt = nowMs();

  const refresh = (): void => {
    const at = nowMs();
    if (at - checkedAt < refreshMs) return;
    checkedAt = at;
    try {
      const current = stamp();
      if (current === version) return;
      hashes = parseIngestKeys(readFileSync(options.file, 'utf8'));
      version = current;
    } catch {
      // A missing or malformed file while it is being replaced: no key is accepted until it is whole.
      hashes = [];
      version = '';
    }
  };

  return {
    accepts(presented) {
      refresh();
      const digest = createHash('sha256').update(presented, 'utf8').digest();
      let match = false;
      // Every listed hash is compared, so the time taken does not depend on which one matches.
      for (const hash of hashes) match = timingSafeEqual(digest, hash) || match;
      return match && presented.length > 0;
    },
  };
}

/** 401 ingest_key_required unless the request carries a listed key; a no-op when keys are off. */
export function requireIngestKey(keys: IngestKeys | undefined): RequestHandler {
  return (req, res, next) => {
    if (keys === undefined) {
      next();
      return;
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (match === null || !keys.accepts(match[1] ?? '')) {
      res.set('WWW-Authenticate', 'Bearer realm="lunadefend-ingest"');
      throw new ReceiverError('ingest_key_required');
    }
    next();
  };
}
