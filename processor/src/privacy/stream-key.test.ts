import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { any, str } from '../testing/model-builders.js';
import { canonicalAttributes, createStreamKeyer } from './stream-key.js';

const keyer = createStreamKeyer(Buffer.alloc(32, 1));
const scope = keyer.canonicalScope({ name: 's', version: '1', attributes: [] });
type Attrs = Parameters<typeof keyer.canonicalResource>[0];
const key = (resourceAttrs: Attrs, attrs: Attrs = [], start = 1n, name = 'm') =>
  keyer.metric(keyer.canonicalResource(resourceAttrs), scope, name).key(attrs, start);

describe('stream key', () => {
  it('tells instances apart by any resource attribute, e.g. service.instance.id', () => {
    expect(key([str('service.instance.id', 'a')])).not.toBe(key([str('service.instance.id', 'b')]));
  });

  it('depends on start time, metric name, scope and point attributes', () => {
    const base = key([], [str('k', 'v')]);
    expect(key([], [str('k', 'v')], 2n)).not.toBe(base);
    expect(key([], [str('k', 'v')], 1n, 'other')).not.toBe(base);
    expect(key([], [str('k', 'w')])).not.toBe(base);
    const otherScope = keyer.metric(keyer.canonicalResource([]), keyer.canonicalScope({ name: 's2', version: '1', attributes: [] }), 'm').key([str('k', 'v')], 1n);
    expect(otherScope).not.toBe(base);
  });

  it('ignores attribute order but not value types', () => {
    expect(key([str('a', '1'), str('b', '2')])).toBe(key([str('b', '2'), str('a', '1')]));
    expect(key([any('a', { kind: 'int', value: 1n })])).not.toBe(key([str('a', '1')]));
  });

  it('is keyed by the per-state secret', () => {
    const other = createStreamKeyer(Buffer.alloc(32, 2));
    expect(other.metric(other.canonicalResource([]), scope, 'm').key([], 1n)).not.toBe(key([]));
  });

  it('gives each point of one metric context its own key, independent of the points before it', () => {
    const context = keyer.metric(keyer.canonicalResource([]), scope, 'm');
    const first = context.key([str('k', 'a')], 1n);
    context.key([str('k', 'b')], 1n);
    expect(context.key([str('k', 'a')], 1n)).toBe(first);
    expect(first).toBe(key([], [str('k', 'a')]));
  });

  it('keeps its derivation: SHA-256(secret ‖ resource ‖ scope ‖ metric ‖ point attributes ‖ start), first 16 bytes', () => {
    // Existing state files hold keys made this way; a different derivation would count them again.
    const resource = [str('service.instance.id', 'ä-1'), str('service.version', '1.0.0')];
    const attrs = [str('route', 'x'.repeat(3000))]; // longer than the scratch buffer
    const expected = createHash('sha256')
      .update(Buffer.alloc(32, 1))
      .update(canonicalAttributes(resource)).update('\u0002').update(scope).update('\u0002').update(JSON.stringify('m')).update('\u0002')
      .update(canonicalAttributes(attrs)).update('\u0002').update('1700000000000000000')
      .digest()
      .subarray(0, 16);
    expect(Buffer.from(key(resource, attrs, 1_700_000_000_000_000_000n), 'latin1')).toEqual(expected);
  });

  it('quotes attribute keys and string values exactly as JSON does, whatever they contain', () => {
    const texts = ['plain', 'a"b', 'a\\b', 'line\nbreak', '\u0000', '\u007f', 'ä', '😀', '\ud800', '', '\u2028'];
    for (const text of texts) {
      const expected = createHash('sha256')
        .update(Buffer.alloc(32, 1))
        .update('{}\u0002').update(scope).update('\u0002').update(JSON.stringify('m')).update('\u0002')
        .update(`{${JSON.stringify(text)}:s${JSON.stringify(text)}}`).update('\u0002').update('1')
        .digest()
        .subarray(0, 16);
      expect(Buffer.from(key([], [str(text, text)], 1n), 'latin1')).toEqual(expected);
    }
  });
});
