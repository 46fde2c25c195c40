// Public API of the OTLP/HTTP intake. The protobufjs reference codec (testing/reference-codec.ts) is for
// tests and benchmarks and is imported from its own file, so the collector never loads protobufjs.
export { createOtlpHttpIntake, type OtlpHttpIntake, type OtlpHttpIntakeOptions } from './http-intake.js';
export { decodeProtobufMetricsRequest } from './decode-protobuf.js';
export { decodeJsonMetricsRequest } from './decode-json.js';
export { OtlpDecodeError, type DecodeErrorCode } from './decode-error.js';
export {
  encodeExportMetricsResponse,
  encodeStatus,
  GRPC_CODE,
  OTLP_CONTENT_TYPES,
  type OtlpEncoding,
  type PartialSuccess,
} from './responses.js';
export { OTLP_METRICS_PATH } from './refusals.js';
