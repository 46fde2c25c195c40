// Reads a JSON request body under a byte limit, counted after decompression. Unlike a generic body
// parser it answers as soon as the limit is crossed: the 413 goes out at once, at most a little
// more of the upload is drained (so the client can read the answer), and then the connection is
// cut, so an over-limit upload is never read to its end. A body that stalls for `idleTimeoutMs`
// is answered 408. Malformed compressed data is the sender's fault: 400 invalid_encoding. The
// decoded bytes are left in res.locals.receivedBody.

import { createGunzip, createInflate, createBrotliDecompress } from 'node:zlib';
import type { Transform } from 'node:stream';
import type { Request, RequestHandler, Response } from 'express';
import { ReceiverError } from '../errors.js';

export interface ReadJsonBodyOptions {
  readonly maxBodyBytes: number;
  /** Longest pause between two chunks of the body. */
  readonly idleTimeoutMs: number;
  /** After an early 413: how long and how much more is drained before the socket is cut. */
  readonly lingerMs?: number;
  readonly lingerBytes?: number;
}

const DECODERS: Readonly<Record<string, () => Transform>> = {
  gzip: createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

export function readJsonBody(options: ReadJsonBodyOptions): RequestHandler {
  const lingerMs = options.lingerMs ?? 2000;
  const lingerBytes = options.lingerBytes ?? 1_048_576;
  return (req, res, next) => {
    const encoding = (req.get('content-encoding') ?? 'identity').trim().toLowerCase();
    const decoder = encoding === 'identity' ? undefined : DECODERS[encoding];
    if (encoding !== 'identity' && decoder === undefined) {
      next(new ReceiverError('unsupported_media_type'));
      return;
    }
    const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(req.get('content-type') ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      next(new ReceiverError('unsupported_media_type'));
      return;
    }
    const declared = Number(req.get('content-length') ?? Number.NaN);
    if (encoding === 'identity' && declared > options.maxBodyBytes) {
      refuseEarly(req, res, next, lingerMs, lingerBytes);
      return;
    }

    const decoding: Transform | undefined = decoder?.();
    const source: NodeJS.ReadableStream & { destroy(): void } = decoding === undefined ? req : req.pipe(decoding);
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    let idle: NodeJS.Timeout | undefined;
    const finish = (error: ReceiverError | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(idle);
      source.removeListener('data', onData);
      req.removeListener('data', armIdle);
      if (decoding !== undefined) {
        req.unpipe(decoding);
        decoding.on('error', () => undefined);
        decoding.destroy();
      }
      if (error === undefined) {
        const bytes = Buffer.concat(chunks);
        // The exact bytes received (after decoding): the transparency log hashes them.
        res.locals.receivedBody = bytes;
        try {
          req.body = JSON.parse(bytes.toString('utf8'));
        } catch {
          next(new ReceiverError('invalid_json'));
          return;
        }
        next();
      } else if (error.code === 'payload_too_large') {
        refuseEarly(req, res, next, lingerMs, lingerBytes);
      } else {
        req.resume();
        next(error);
      }
    };
    const armIdle = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => finish(new ReceiverError('request_timeout')), options.idleTimeoutMs);
      idle.unref();
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > options.maxBodyBytes) {
        finish(new ReceiverError('payload_too_large'));
        return;
      }
      chunks.push(chunk);
      armIdle();
    };
    if (decoding !== undefined) req.on('data', armIdle);
    source.on('data', onData);
    source.once('end', () => finish(undefined));
    source.once('error', () => finish(new ReceiverError(decoding === undefined ? 'invalid_request' : 'invalid_encoding')));
    req.once('aborted', () => finish(new ReceiverError('invalid_request')));
    armIdle();
  };
}

/** Answers 413 now; drains a bounded amount of what is still coming, then cuts the connection. */
function refuseEarly(req: Request, _res: Response, next: (error: unknown) => void, lingerMs: number, lingerBytes: number): void {
  let drained = 0;
  const cut = (): void => {
    clearTimeout(timer);
    req.removeListener('data', count);
    if (!req.complete) req.socket.destroy();
  };
  const count = (chunk: Buffer): void => {
    drained += chunk.length;
    if (drained > lingerBytes) cut();
  };
  const timer = setTimeout(cut, lingerMs);
  timer.unref();
  req.on('data', count);
  req.once('end', () => clearTimeout(timer));
  req.resume();
  next(new ReceiverError('payload_too_large'));
}
