// The key that fixes every released cell's noise. Replicas must share it (configuration), so that
// all of them publish the same numbers; without one, a random key lives in this process only:
// numbers are then stable until a restart, and each restart re-draws them (said at start-up).

import { randomBytes } from 'node:crypto';
import type { CellNoise } from './public-release.js';
import { keyedRandomSource } from './random-source.js';

/** Every cell label is prefixed, so the same key could serve another purpose without overlap. */
const LABEL = 'lunadefend public stats noise v1';

export function createCellNoise(key: string | undefined): { readonly noise: CellNoise; readonly ephemeral: boolean } {
  const secret = key === undefined ? randomBytes(32) : Buffer.from(key, 'utf8');
  return { noise: (cell) => keyedRandomSource(secret, `${LABEL}|${cell}`), ephemeral: key === undefined };
}
