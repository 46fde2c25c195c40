// Decoding one 100-point request in-process: the intake's wire reader against protobufjs with
// the same message definitions (which materialises every field), and the JSON decoder.
import { decodeJsonMetricsRequest, decodeProtobufMetricsRequest } from '../../processor/dist/otlp/index.js';
import { createOtlpReferenceCodec } from '../build/reference-codec.js';

function opsPerSecond(fn, durationMs) {
  for (let i = 0; i < 2_000; i++) fn(); // warm-up
  let ops = 0;
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    for (let i = 0; i < 100; i++) fn();
    ops += 100;
  }
  return ops / ((performance.now() - started) / 1000);
}

export function runDecodeComparison(payloads, durationMs) {
  const bytes = payloads.next();
  const codec = createOtlpReferenceCodec();
  const json = JSON.stringify(codec.decodeRequest(bytes));
  return {
    handWritten: opsPerSecond(() => decodeProtobufMetricsRequest(bytes), durationMs),
    protobufjs: opsPerSecond(() => codec.decodeRequest(bytes), durationMs),
    json: opsPerSecond(() => decodeJsonMetricsRequest(json), durationMs),
    bytes: bytes.length,
    jsonBytes: json.length,
  };
}
