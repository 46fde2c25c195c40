// The example's in-memory vault: values behind random tokens, and grants on tokens. A real
// tokenizer keeps these encrypted and durable; the example only needs the shape.

import { randomBytes, randomUUID } from 'node:crypto';

export interface Vault {
  /** Stores `value` and returns its new token. */
  tokenize(value: string): string;
  /** The value behind `token`, or undefined when the token is unknown. */
  detokenize(token: string): string | undefined;
  /** Creates a grant on a known token; undefined when the token is unknown. */
  createGrant(token: string): string | undefined;
}

export function createVault(): Vault {
  const values = new Map<string, string>();
  const grants = new Map<string, string>();
  return {
    tokenize(value) {
      const token = `tok_${randomBytes(18).toString('base64url')}`;
      values.set(token, value);
      return token;
    },
    detokenize: (token) => values.get(token),
    createGrant(token) {
      if (!values.has(token)) return undefined;
      const grantId = randomUUID();
      grants.set(grantId, token);
      return grantId;
    },
  };
}
