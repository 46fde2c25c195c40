// How the intake answers each kind of request it refuses: HTTP status, the reason it is counted
// under, and the google.rpc.Status code and developer-facing message of the body.

import type { IntakeRefusal } from '../model/reasons.js';
import { GRPC_CODE } from './responses.js';

export const OTLP_METRICS_PATH = '/v1/metrics';

export interface Refusal {
  readonly status: number;
  readonly reason: IntakeRefusal;
  readonly grpcCode: number;
  readonly message: string;
}

export const NOT_FOUND: Refusal = { status: 404, reason: 'not_found', grpcCode: GRPC_CODE.NOT_FOUND, message: `not found: metrics are accepted at ${OTLP_METRICS_PATH}` };
export const METHOD_NOT_ALLOWED: Refusal = { status: 405, reason: 'method_not_allowed', grpcCode: GRPC_CODE.UNIMPLEMENTED, message: 'method not allowed: use POST' };
export const UNSUPPORTED_MEDIA_TYPE: Refusal = {
  status: 415,
  reason: 'unsupported_media_type',
  grpcCode: GRPC_CODE.INVALID_ARGUMENT,
  message: 'unsupported content type: use application/x-protobuf or application/json',
};
export const UNSUPPORTED_CODING: Refusal = { ...UNSUPPORTED_MEDIA_TYPE, message: 'unsupported content encoding: use gzip or none' };
export const TOO_LARGE: Refusal = { status: 413, reason: 'too_large', grpcCode: GRPC_CODE.INVALID_ARGUMENT, message: 'request body too large (after decompression)' };
export const BAD_GZIP: Refusal = { status: 400, reason: 'malformed', grpcCode: GRPC_CODE.INVALID_ARGUMENT, message: 'the body is not valid gzip' };
export const MALFORMED: Refusal = { status: 400, reason: 'malformed', grpcCode: GRPC_CODE.INVALID_ARGUMENT, message: 'malformed request' };
export const UNAVAILABLE: Refusal = { status: 503, reason: 'unavailable', grpcCode: GRPC_CODE.UNAVAILABLE, message: 'unavailable' };
export const UNAVAILABLE_AFTER_ERROR: Refusal = { ...UNAVAILABLE, message: 'unavailable: the request could not be processed' };
