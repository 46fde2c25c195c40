// Admin endpoints behind the bearer token: the block list of stack ids. Changes take effect on
// this replica at once and on the others within the block list's refresh interval.

import express, { Router } from 'express';
import { UUID_V4_PATTERN } from '@lunadefend/config';
import type { BlockList } from '../abuse/block-list.js';
import { ReceiverError, fromStorage } from '../errors.js';
import type { Storage } from '../storage/storage.js';

const UUID = new RegExp(UUID_V4_PATTERN);

export function createAdminRouter(deps: { storage: Storage; blockList: BlockList; now: () => Date }): Router {
  const router = Router();
  const stackId = (value: string | string[] | undefined): string => {
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw new ReceiverError('invalid_request', [{ path: 'stackId', message: 'must be a lowercase UUID v4' }]);
    }
    return value;
  };

  router.get('/v1/admin/blocked-stacks', async (_req, res) => {
    res.json({ blocked: await fromStorage(() => deps.storage.blockedStacks()) });
  });

  router.put('/v1/admin/blocked-stacks/:stackId', express.json({ limit: 4096 }), async (req, res) => {
    const id = stackId(req.params.stackId);
    const reason = (req.body as { reason?: unknown } | undefined)?.reason ?? '';
    if (typeof reason !== 'string' || reason.length > 200) {
      throw new ReceiverError('invalid_request', [{ path: '/reason', message: 'must be a string of at most 200 characters' }]);
    }
    await fromStorage(() => deps.storage.blockStack(id, reason, deps.now()));
    deps.blockList.invalidate();
    res.status(200).json({ stackId: id, blocked: true });
  });

  router.delete('/v1/admin/blocked-stacks/:stackId', async (req, res) => {
    const id = stackId(req.params.stackId);
    const removed = await fromStorage(() => deps.storage.unblockStack(id));
    deps.blockList.invalidate();
    if (!removed) throw new ReceiverError('not_found');
    res.status(200).json({ stackId: id, blocked: false });
  });

  return router;
}
