// The only thing the receiver derives from a client's IP address: an HMAC under a random key that
// exists only in this process's memory and is replaced at every UTC midnight. The address itself is
// never stored, logged or exported, and yesterday's keys cannot be linked to today's.

import { createHmac, randomBytes } from 'node:crypto';
import { DAY_MS } from '@lunadefend/config';

export interface ClientKeyHasher {
  /** An opaque rate-limit key for the address; stable within one UTC day of this process. */
  keyFor(address: string): string;
}

export function createClientKeyHasher(options: { readonly nowMs: () => number }): ClientKeyHasher {
  let day = Number.NaN;
  let secret = randomBytes(32);
  return {
    keyFor(address) {
      const today = Math.floor(options.nowMs() / DAY_MS);
      if (today !== day) {
        day = today;
        secret = randomBytes(32);
      }
      return createHmac('sha256', secret).update(address).digest('base64url').slice(0, 22);
    },
  };
}
