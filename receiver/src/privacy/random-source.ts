// Where the noise's randomness comes from. Two sources, both of whole bits only (no floating
// point anywhere): the operating system's CSPRNG, and a keyed stream — HMAC-SHA-256 in counter
// mode under a secret key and a label — so that one published cell always gets the same noise
// (any replica, any request, any restart) while nobody without the key can predict or remove it.
// Tests inject a keyed stream with a fixed key to get repeatable draws.

import { createHmac, randomBytes } from 'node:crypto';

export interface RandomSource {
  /** A uniform integer in [0, n), n ≥ 1. */
  below(n: bigint): bigint;
}

type ByteSource = (count: number) => Buffer;

function fromBytes(next: ByteSource): RandomSource {
  return {
    below(n) {
      if (n < 1n) throw new RangeError('below(n) needs n >= 1');
      if (n === 1n) return 0n;
      // Rejection sampling on just enough whole bytes: uniform, no modulo bias.
      const bits = (n - 1n).toString(2).length;
      const bytes = Math.ceil(bits / 8);
      const mask = (1n << BigInt(bits)) - 1n;
      for (;;) {
        const candidate = BigInt(`0x${next(bytes).toString('hex')}`) & mask;
        if (candidate < n) return candidate;
      }
    },
  };
}

/** The operating system's cryptographic generator. */
export function cryptoRandomSource(): RandomSource {
  return fromBytes((count) => randomBytes(count));
}

/** A deterministic stream: HMAC-SHA-256(key, label ‖ block counter), consumed byte by byte. */
export function keyedRandomSource(key: Buffer, label: string): RandomSource {
  let counter = 0;
  let block = Buffer.alloc(0);
  let offset = 0;
  return fromBytes((count) => {
    const out = Buffer.alloc(count);
    for (let i = 0; i < count; i += 1) {
      if (offset === block.length) {
        const counterBytes = Buffer.alloc(8);
        counterBytes.writeBigUInt64BE(BigInt(counter));
        counter += 1;
        block = createHmac('sha256', key).update(label, 'utf8').update(Buffer.from([0])).update(counterBytes).digest();
        offset = 0;
      }
      out[i] = block[offset]!;
      offset += 1;
    }
    return out;
  });
}
