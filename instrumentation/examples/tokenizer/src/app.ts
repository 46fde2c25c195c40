// The example tokenizer's HTTP API. Each operation counts exactly once: success only after the
// vault really did the work (and before the answer is sent, so a client that has its answer can
// rely on the count), failure for every refused request, including bodies that do not parse.

import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import type { Metrics, MetricName } from '@lunadefend/metrics';
import { createVault, type Vault } from './vault.js';

export const MAX_VALUE_LENGTH = 4096;
const MAX_BODY = '16kb';

export interface TokenizerAppOptions {
  readonly metrics: Pick<Metrics, 'add'>;
  readonly vault?: Vault;
}

interface Operation {
  readonly success: MetricName;
  readonly failure: MetricName;
}

const OPERATIONS: Readonly<Record<string, Operation>> = {
  '/tokenize': { success: 'lunadefend.tokenize.success', failure: 'lunadefend.tokenize.failure' },
  '/detokenize': { success: 'lunadefend.detokenize.success', failure: 'lunadefend.detokenize.failure' },
  '/grants': { success: 'lunadefend.grant.create.success', failure: 'lunadefend.grant.create.failure' },
};

export function createTokenizerApp(options: TokenizerAppOptions): express.Express {
  const { metrics } = options;
  const vault = options.vault ?? createVault();
  const app = express();
  app.disable('x-powered-by');

  const fail = (res: Response, op: Operation, status: number, error: string): void => {
    metrics.add(op.failure);
    res.status(status).json({ error });
  };
  /** The string field `key` of a JSON object body, or undefined when the body is not that. */
  const stringField = (req: Request, key: string): string | undefined => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
    const value = (body as Record<string, unknown>)[key];
    return typeof value === 'string' && value !== '' && value.length <= MAX_VALUE_LENGTH ? value : undefined;
  };
  const operation = (path: keyof typeof OPERATIONS): Operation => OPERATIONS[path] as Operation;

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  const json = express.json({ limit: MAX_BODY, strict: true });
  /** Marks the request with its operation before the body is parsed, so a parse error counts too. */
  const tag = (path: keyof typeof OPERATIONS): express.RequestHandler => (_req, res, next) => {
    res.locals.operation = operation(path);
    next();
  };

  app.post('/tokenize', tag('/tokenize'), json, (req, res) => {
    const op = operation('/tokenize');
    const value = stringField(req, 'value');
    if (value === undefined) return fail(res, op, 400, `body must be {"value": a non-empty string of at most ${MAX_VALUE_LENGTH} characters}`);
    const token = vault.tokenize(value);
    metrics.add(op.success);
    res.status(200).json({ token });
  });

  app.post('/detokenize', tag('/detokenize'), json, (req, res) => {
    const op = operation('/detokenize');
    const token = stringField(req, 'token');
    if (token === undefined) return fail(res, op, 400, 'body must be {"token": a non-empty string}');
    const value = vault.detokenize(token);
    if (value === undefined) return fail(res, op, 404, 'unknown token');
    metrics.add(op.success);
    res.status(200).json({ value });
  });

  app.post('/grants', tag('/grants'), json, (req, res) => {
    const op = operation('/grants');
    const token = stringField(req, 'token');
    if (token === undefined) return fail(res, op, 400, 'body must be {"token": a non-empty string}');
    const grantId = vault.createGrant(token);
    if (grantId === undefined) return fail(res, op, 404, 'unknown token');
    metrics.add(op.success);
    res.status(201).json({ grant_id: grantId });
  });

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });

  // Errors before a handler ran (a body that does not parse or is too large) are still failures
  // of the operation the client asked for.
  const onError: ErrorRequestHandler = (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = errorStatus(error);
    const op = res.locals.operation as Operation | undefined;
    if (op !== undefined) return fail(res, op, status, status === 500 ? 'internal error' : 'request body is not valid JSON or is too large');
    res.status(status).json({ error: status === 500 ? 'internal error' : 'bad request' });
  };
  app.use(onError);
  return app;
}

function errorStatus(error: unknown): number {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}
