import { describe, expect, it } from 'vitest';
import { createOtlpReferenceCodec } from '../testing/reference-codec.js';
import { encodeExportMetricsResponse, encodeStatus, GRPC_CODE } from './responses.js';

const codec = createOtlpReferenceCodec();

describe('encodeExportMetricsResponse', () => {
  it('leaves partial_success unset on full success, in both encodings', () => {
    expect(encodeExportMetricsResponse('protobuf')).toHaveLength(0);
    expect(codec.decodeResponse(encodeExportMetricsResponse('protobuf', { rejectedDataPoints: 0, errorMessage: '' }))).toEqual({});
    expect(JSON.parse(encodeExportMetricsResponse('json', { rejectedDataPoints: 0, errorMessage: '' }).toString())).toEqual({});
  });

  it('carries rejected points and the message as partial_success, in both encodings', () => {
    const partial = { rejectedDataPoints: 3, errorMessage: '3 points rejected: not a catalog metric ✓' };
    expect(codec.decodeResponse(encodeExportMetricsResponse('protobuf', partial))).toEqual({
      partialSuccess: { rejectedDataPoints: '3', errorMessage: partial.errorMessage },
    });
    expect(JSON.parse(encodeExportMetricsResponse('json', partial).toString())).toEqual({
      partialSuccess: { rejectedDataPoints: '3', errorMessage: partial.errorMessage },
    });
  });

  it('encodes counts beyond 32 bits exactly', () => {
    const decoded = codec.decodeResponse(encodeExportMetricsResponse('protobuf', { rejectedDataPoints: 2 ** 40 + 1, errorMessage: '' }));
    expect(decoded.partialSuccess?.rejectedDataPoints).toBe(String(2 ** 40 + 1));
  });

  it('sends a warning with zero rejected points when the consumer gives one', () => {
    expect(codec.decodeResponse(encodeExportMetricsResponse('protobuf', { rejectedDataPoints: 0, errorMessage: 'warning' }))).toEqual({
      partialSuccess: { errorMessage: 'warning' },
    });
  });

  it('caps a long error message', () => {
    const decoded = codec.decodeResponse(encodeExportMetricsResponse('protobuf', { rejectedDataPoints: 1, errorMessage: 'x'.repeat(100_000) }));
    expect(decoded.partialSuccess?.errorMessage).toHaveLength(4096);
  });
});

describe('encodeStatus', () => {
  it('encodes google.rpc.Status in both encodings', () => {
    expect(codec.decodeStatus(encodeStatus('protobuf', GRPC_CODE.INVALID_ARGUMENT, 'bad body'))).toEqual({ code: 3, message: 'bad body' });
    expect(JSON.parse(encodeStatus('json', GRPC_CODE.UNAVAILABLE, 'later').toString())).toEqual({ code: 14, message: 'later' });
  });
});
