// Reads a request body under a byte limit that holds twice: on the bytes as they stream in, and
// on the decompressed bytes. Inflation stops as soon as the output passes the limit, so a gzip
// bomb costs at most about the limit in memory, never what it would expand to.

import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';
import type { ContentCoding } from './request-headers.js';

export type BodyResult =
  | { readonly kind: 'body'; readonly bytes: Buffer }
  | { readonly kind: 'too_large' }
  | { readonly kind: 'bad_gzip' }
  /** The client went away before the body was complete: nobody is left to answer. */
  | { readonly kind: 'aborted' };

export async function readBody(request: IncomingMessage, coding: ContentCoding, maxBodyBytes: number): Promise<BodyResult> {
  const raw = await readRaw(request, maxBodyBytes);
  if (raw.kind !== 'body' || coding === 'identity') return raw;
  return inflate(raw.bytes, maxBodyBytes);
}

function readRaw(request: IncomingMessage, maxBodyBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (result: BodyResult): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onAborted);
      request.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > maxBodyBytes) {
        chunks.length = 0;
        // Keep the stream flowing into the void so the response can still be written.
        request.resume();
        finish({ kind: 'too_large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish({ kind: 'body', bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received) });
    const onAborted = (): void => finish({ kind: 'aborted' });
    const onClose = (): void => {
      if (!request.complete) finish({ kind: 'aborted' });
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onAborted);
    request.on('close', onClose);
  });
}

function inflate(compressed: Buffer, maxBodyBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    gunzip(compressed, { maxOutputLength: maxBodyBytes }, (error, bytes) => {
      if (error === null) resolve({ kind: 'body', bytes });
      // maxOutputLength makes zlib stop and fail with this code once the output passes the limit.
      else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') resolve({ kind: 'too_large' });
      else resolve({ kind: 'bad_gzip' });
    });
  });
}
