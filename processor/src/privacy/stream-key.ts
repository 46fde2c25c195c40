// The stream key: a keyed SHA-256 (truncated to 128 bits) of a stream's original identity —
// resource attributes, scope name/version/attributes, metric name, point attributes and start
// time. It is computed before attributes are dropped, so two instances that differ only in, say,
// service.instance.id stay two streams. Only the key is stored, never the values. The key is
// SHA-256(secret ‖ identity) with a random secret per state file, so keys cannot be matched
// against precomputed tables of common values; the per-metric prefix is hashed once and copied
// for each point, which is what keeps this cheap on the hot path.
// Changing this derivation changes every key: it would need a state migration that clears the
// stream table and raises the eviction watermark, or existing streams would count again.

import { createHash, type Hash } from 'node:crypto';
import type { AnyValue, InstrumentationScope, KeyValue } from '../otlp/model.js';

export const STREAM_KEY_BYTES = 16;

export interface MetricKeyContext {
  /** The key of one point's stream within this (resource, scope, metric). */
  key(pointAttributes: readonly KeyValue[], startNs: bigint): Buffer;
}

export interface StreamKeyer {
  /** Canonical text of a resource or scope, computed once per ResourceMetrics / ScopeMetrics. */
  canonicalResource(attributes: readonly KeyValue[]): string;
  canonicalScope(scope: InstrumentationScope): string;
  /** A hashing context for one metric of one resource and scope, reused for each of its points. */
  metric(resource: string, scope: string, metricName: string): MetricKeyContext;
}

export function createStreamKeyer(secret: Buffer): StreamKeyer {
  return {
    canonicalResource: (attributes) => canonicalAttributes(attributes),
    canonicalScope: (scope) => `${JSON.stringify(scope.name)}\u0001${JSON.stringify(scope.version)}\u0001${canonicalAttributes(scope.attributes)}`,
    metric(resource, scope, metricName) {
      const prefix: Hash = createHash('sha256')
        .update(secret)
        .update(resource)
        .update('\u0002')
        .update(scope)
        .update('\u0002')
        .update(JSON.stringify(metricName))
        .update('\u0002');
      return {
        key: (pointAttributes, startNs) =>
          prefix.copy().update(canonicalAttributes(pointAttributes)).update('\u0002').update(startNs.toString()).digest().subarray(0, STREAM_KEY_BYTES),
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
    out += `${i === 0 ? '' : ','}${JSON.stringify(kv.key)}:${canonicalValue(kv.value)}`;
  }
  return `${out}}`;
}

function canonicalValue(value: AnyValue): string {
  switch (value.kind) {
    case 'string':
      return `s${JSON.stringify(value.value)}`;
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
