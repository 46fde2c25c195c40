// The stream key: a keyed SHA-256 (truncated to 128 bits) of a stream's original identity —
// resource attributes, scope name/version/attributes, metric name, point attributes and start
// time. It is computed before attributes are dropped, so two instances that differ only in, say,
// service.instance.id stay two streams. Only the key is stored, never the values. The key is
// SHA-256(secret ‖ identity) with a random secret per state file, so keys cannot be matched
// against precomputed tables of common values.
// Hot path: the bytes of secret ‖ resource ‖ scope ‖ metric name are laid down once per metric in
// a scratch buffer; each point writes only its own part after them and hashes the whole in one
// call (crypto.hash), which costs about a third of copying a Hash object and updating it.
// Changing this derivation changes every key: it would need a state migration that clears the
// stream table and raises the eviction watermark, or existing streams would count again
// (stream-key.test.ts pins it).

import * as crypto from 'node:crypto';
import type { AnyValue, InstrumentationScope, KeyValue } from '../model/metrics-request.js';
import { STREAM_KEY_BYTES, type StreamKey } from '../model/points.js';


export interface MetricKeyContext {
  /** The key of one point's stream within this (resource, scope, metric). */
  key(pointAttributes: readonly KeyValue[], startNs: bigint): StreamKey;
}

export interface StreamKeyer {
  /** Canonical text of a resource or scope, computed once per ResourceMetrics / ScopeMetrics. */
  canonicalResource(attributes: readonly KeyValue[]): string;
  canonicalScope(scope: InstrumentationScope): string;
  /** A hashing context for one metric of one resource and scope, reused for each of its points. */
  metric(resource: string, scope: string, metricName: string): MetricKeyContext;
}

// crypto.hash (one-shot) arrived in Node 20.12; older 20.x hash the same bytes the long way.
// 'binary' is latin1: one char per digest byte.
const oneShot = crypto.hash as typeof crypto.hash | undefined;
const sha256Latin1 = oneShot !== undefined
  ? (data: Uint8Array): string => oneShot('sha256', data, 'binary')
  : (data: Uint8Array): string => crypto.createHash('sha256').update(data).digest('binary');

export function createStreamKeyer(secret: Buffer): StreamKeyer {
  // One scratch buffer per keyer: keys are computed one at a time on the event loop. It holds the
  // prefix of the metric context that used it last, so a context's points copy it only once.
  let scratch = Buffer.allocUnsafe(4096);
  let holder: Buffer | undefined;
  let views: Buffer[] = [];
  return {
    canonicalResource: (attributes) => canonicalAttributes(attributes),
    canonicalScope: (scope) => `${JSON.stringify(scope.name)}\u0001${JSON.stringify(scope.version)}\u0001${canonicalAttributes(scope.attributes)}`,
    metric(resource, scope, metricName) {
      const prefix = Buffer.concat([secret, Buffer.from(`${resource}\u0002${scope}\u0002${JSON.stringify(metricName)}\u0002`)]);
      return {
        key(pointAttributes, startNs) {
          const point = `${canonicalAttributes(pointAttributes)}\u0002${startNs}`;
          // Three bytes of UTF-8 per UTF-16 unit at most.
          if (scratch.length < prefix.length + point.length * 3) {
            scratch = Buffer.allocUnsafe(2 * (prefix.length + point.length * 3));
            views = [];
            holder = undefined;
          }
          if (holder !== prefix) {
            prefix.copy(scratch, 0);
            holder = prefix;
          }
          const length = prefix.length + scratch.write(point, prefix.length, 'utf8');
          // Views of the scratch buffer by length, so that a point allocates no Buffer object.
          let view = views[length];
          if (view === undefined) {
            view = scratch.subarray(0, length);
            views[length] = view;
          }
          return sha256Latin1(view).slice(0, STREAM_KEY_BYTES);
        },
      };
    },
  };
}

/** Attributes in key order, each value tagged with its type, so that 1 and "1" differ. */
export function canonicalAttributes(attributes: readonly KeyValue[]): string {
  const n = attributes.length;
  if (n === 0) return '{}';
  let sorted = attributes;
  for (let i = 1; i < n; i++) {
    if ((attributes[i - 1]?.key ?? '') > (attributes[i]?.key ?? '')) {
      sorted = [...attributes].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      break;
    }
  }
  let out = '{';
  for (let i = 0; i < n; i++) {
    const kv = sorted[i] as KeyValue;
    out += `${i === 0 ? '' : ','}${quote(kv.key)}:${canonicalValue(kv.value)}`;
  }
  return `${out}}`;
}

function canonicalValue(value: AnyValue): string {
  switch (value.kind) {
    case 'string':
      return `s${quote(value.value)}`;
    case 'bool':
      return value.value ? 'bT' : 'bF';
    case 'int':
      return `i${value.value.toString()}`;
    case 'double':
      return `d${Object.is(value.value, -0) ? '-0' : String(value.value)}`;
    case 'bytes':
      return `y${Buffer.from(value.value).toString('base64')}`;
    case 'array':
      return `[${value.values.map(canonicalValue).join(',')}]`;
    case 'kvlist':
      return canonicalAttributes(value.values);
    case 'empty':
      return 'e';
  }
}

/**
 * JSON.stringify(text), without its cost for the common case: printable ASCII other than `"` and
 * `\` needs no escaping, so the result is the text in quotes; anything else goes to JSON.stringify.
 */
function quote(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return JSON.stringify(text);
  }
  return `"${text}"`;
}
