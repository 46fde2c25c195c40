// Requests in the shape of the OpenTelemetry Collector's metrics load test (OTLP/HTTP protobuf,
// 100 data points per request) with LunaDefend's identity: a resource with service.version and
// lunadefend.stack_id, the six catalog metrics as cumulative monotonic sums, varied point
// attributes. Each simulated instance has one encoded template; every send patches the
// fixed-width value and time fields in place, so counts grow as an SDK's cumulative export would.
import { METRIC_NAMES } from '@lunadefend/config';
import { createOtlpReferenceCodec } from '../build/reference-codec.js';

export const POINTS_PER_REQUEST = 100;
const VALUE_SENTINEL = 0x5a5a5a00n << 32n; // + point index; unique 8-byte patterns to find
const TIME_SENTINEL = 0x7e7e7e7e7e7e7e7en;
const STACK_ID = '3d9c49ce-8367-43ec-8884-568c8d43faec';

function le64(value) {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(value);
  return bytes;
}

/** The encoded request of one instance, with the offsets of its value and time fields. */
function buildTemplate(codec, instance, startTimeUnixNano) {
  const routes = Math.ceil(POINTS_PER_REQUEST / METRIC_NAMES.length);
  const metrics = METRIC_NAMES.map((name) => ({ name, sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [] } }));
  for (let i = 0; i < POINTS_PER_REQUEST; i++) {
    metrics[i % metrics.length].sum.dataPoints.push({
      attributes: [
        { key: 'tokenizer.route', value: { stringValue: `route-${Math.floor(i / metrics.length) % routes}` } },
        { key: 'tokenizer.vault', value: { stringValue: `vault-${i % 3}` } },
      ],
      startTimeUnixNano: String(startTimeUnixNano),
      timeUnixNano: String(TIME_SENTINEL),
      asInt: String(VALUE_SENTINEL + BigInt(i)),
    });
  }
  const bytes = Buffer.from(
    codec.encodeRequest({
      resourceMetrics: [
        {
          resource: {
            attributes: [
              { key: 'service.version', value: { stringValue: '1.4.2' } },
              { key: 'lunadefend.stack_id', value: { stringValue: STACK_ID } },
              { key: 'service.instance.id', value: { stringValue: `instance-${instance}` } },
            ],
          },
          scopeMetrics: [{ scope: { name: '@lunadefend/metrics', version: '0.1.0' }, metrics }],
        },
      ],
    }),
  );
  const valueOffsets = [];
  for (let i = 0; i < POINTS_PER_REQUEST; i++) valueOffsets.push(bytes.indexOf(le64(VALUE_SENTINEL + BigInt(i))));
  const timeOffsets = [];
  for (let at = bytes.indexOf(le64(TIME_SENTINEL)); at >= 0; at = bytes.indexOf(le64(TIME_SENTINEL), at + 8)) timeOffsets.push(at);
  if (valueOffsets.includes(-1) || timeOffsets.length !== POINTS_PER_REQUEST) throw new Error('payload template: sentinel not found');
  return { bytes, valueOffsets, timeOffsets, sends: 0 };
}

/**
 * Rotates through `instances` templates (instances × 100 streams in all); next() returns a fresh
 * request body whose cumulative values have grown since that instance's previous one.
 */
export function createPayloadSource({ instances = 10, startTimeUnixNano = BigInt(Date.now()) * 1_000_000n } = {}) {
  const codec = createOtlpReferenceCodec();
  const templates = Array.from({ length: instances }, (_, i) => buildTemplate(codec, i, startTimeUnixNano));
  let turn = 0;
  return {
    streams: instances * POINTS_PER_REQUEST,
    next() {
      const template = templates[turn++ % templates.length];
      template.sends++;
      const body = Buffer.from(template.bytes);
      const now = BigInt(Date.now()) * 1_000_000n;
      template.valueOffsets.forEach((at, i) => body.writeBigInt64LE(BigInt(template.sends * (1 + (i % 3))), at));
      for (const at of template.timeOffsets) body.writeBigUInt64LE(now, at);
      return body;
    },
  };
}
