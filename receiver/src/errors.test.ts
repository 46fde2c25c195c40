import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { RECEIVER_ERRORS, RECEIVER_ERROR_CODES } from './errors.js';

it('docs/errors.md lists every receiver error code with its status, and nothing else', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const section = doc.split(/^## Receiver$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = [...section.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
  expect(rows).toEqual(RECEIVER_ERROR_CODES.map((code) => [code, RECEIVER_ERRORS[code].status]));
});
