// The stream key: an HMAC-SHA256 (truncated to 128 bits) of a stream's original identity —
// resource attributes, scope name/version/attributes, metric name, point attributes and start
// time. It is computed before attributes are dropped, so two instances that differ only in, say,
// service.instance.id stay two streams. Only the key is stored, never the values; the HMAC secret
// is per state file, so keys cannot be matched against precomputed tables of common values.

import { createHmac } from 'node:crypto';
import type { AnyValue, InstrumentationScope, KeyValue } from '../otlp/model.js';

export const STREAM_KEY_BYTES = 16;

export interface StreamKeyer {
  /** Canonical text of a resource or scope, computed once per ResourceMetrics / ScopeMetrics. */
  canonicalResource(attributes: readonly KeyValue[]): string;
  canonicalScope(scope: InstrumentationScope): string;
  key(resource: string, scope: string, metricName: string, pointAttributes: readonly KeyValue[], startNs: bigint): Buffer;
}

export function createStreamKeyer(secret: Buffer): StreamKeyer {
  return {
    canonicalResource: (attributes) => canonicalAttributes(attributes),
    canonicalScope: (scope) => `${JSON.stringify(scope.name)}\u0001${JSON.stringify(scope.version)}\u0001${canonicalAttributes(scope.attributes)}`,
    key: (resource, scope, metricName, pointAttributes, startNs) =>
      createHmac('sha256', secret)
        .update(resource)
        .update('\u0002')
        .update(scope)
        .update('\u0002')
        .update(JSON.stringify(metricName))
        .update('\u0002')
        .update(canonicalAttributes(pointAttributes))
        .update('\u0002')
        .update(startNs.toString())
        .digest()
        .subarray(0, STREAM_KEY_BYTES),
  };
}

/** Attributes in key order, each value tagged with its type, so that 1 and "1" differ. */
export function canonicalAttributes(attributes: readonly KeyValue[]): string {
  if (attributes.length === 0) return '{}';
  const sorted = [...attributes].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return `{${sorted.map((kv) => `${JSON.stringify(kv.key)}:${canonicalValue(kv.value)}`).join(',')}}`;
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
