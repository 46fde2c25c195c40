// The public face of the transparency log, without authentication (it holds hashes only):
//   GET /v1/log/key          the verifier key to pin (text)
//   GET /v1/log/checkpoint   the latest signed checkpoint (C2SP tlog-checkpoint, text)
//   GET /v1/log/inclusion?leaf_hash=<hex>&tree_size=<n>   audit path of a leaf
//   GET /v1/log/consistency?first=<m>&second=<n>          consistency proof between two sizes
// Hashes in JSON answers are lowercase hex.

import { Router, type Request } from 'express';
import { HASH_BYTES } from '@lunadefend/config';
import { ReceiverError, fromStorage } from '../errors.js';
import type { TransparencyLog } from './transparency-log.js';

export const LOG_PATH = '/v1/log';

function sizeParam(req: Request, name: string): number {
  const raw = req.query[name];
  if (typeof raw !== 'string' || !/^(0|[1-9]\d{0,15})$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new ReceiverError('invalid_query', [{ path: name, message: 'must be a tree size (a non-negative integer)' }]);
  }
  return Number(raw);
}

function beyond(name: string): ReceiverError {
  return new ReceiverError('invalid_query', [{ path: name, message: 'is larger than the log' }]);
}

export function createLogRouter(log: TransparencyLog): Router {
  const router = Router();
  const noStore = { 'cache-control': 'no-store' };

  router.get(`${LOG_PATH}/key`, (_req, res) => {
    if (log.verifierKey === undefined) throw new ReceiverError('log_disabled');
    res.type('text/plain').send(`${log.verifierKey}\n`);
  });

  router.get(`${LOG_PATH}/checkpoint`, async (_req, res) => {
    if (log.verifierKey === undefined) throw new ReceiverError('log_disabled');
    const note = await fromStorage(() => log.checkpoint());
    res.set(noStore).type('text/plain').send(note);
  });

  router.get(`${LOG_PATH}/inclusion`, async (req, res) => {
    const leafHash = req.query.leaf_hash;
    if (typeof leafHash !== 'string' || !new RegExp(`^[0-9a-f]{${HASH_BYTES * 2}}$`).test(leafHash)) {
      throw new ReceiverError('invalid_query', [{ path: 'leaf_hash', message: 'must be 64 lowercase hex digits' }]);
    }
    const treeSize = sizeParam(req, 'tree_size');
    const found = await fromStorage(() => log.inclusion(Buffer.from(leafHash, 'hex'), treeSize));
    if (!found.ok) throw found.reason === 'beyond-size' ? beyond('tree_size') : new ReceiverError('leaf_not_found');
    res.set(noStore).json({
      leaf_index: found.value.leafIndex,
      tree_size: found.value.treeSize,
      hashes: found.value.hashes.map((h) => h.toString('hex')),
    });
  });

  router.get(`${LOG_PATH}/consistency`, async (req, res) => {
    const first = sizeParam(req, 'first');
    const second = sizeParam(req, 'second');
    const found = await fromStorage(() => log.consistency(first, second));
    if (!found.ok) throw beyond(first > second ? 'first' : 'second');
    res.set(noStore).json({ first, second, hashes: found.value.map((h) => h.toString('hex')) });
  });

  return router;
}
