// The test kit's capture server standing in for the central receiver: it records every request's
// exact bytes and answers from a script (default: 202 for a new report_id, 200 duplicate for a
// repeated one, like the real receiver).

import { startCaptureServer, type CaptureReply, type RawRequest } from '@lunadefend/testkit';

export type CapturedRequest = RawRequest;

export type Reply = CaptureReply;

export interface CaptureReceiver {
  readonly requests: CapturedRequest[];
  /** Report ids answered 202, once each. */
  readonly accepted: Map<string, unknown>;
  /** TCP connections ever opened to the receiver (a request is not needed to count). */
  connections(): number;
  url(): string;
  /** Replaces the answer logic; return undefined to fall back to the default behaviour. */
  respond(fn: ((req: CapturedRequest) => Reply | undefined) | undefined): void;
  close(): Promise<void>;
}

export async function startCaptureReceiver(): Promise<CaptureReceiver> {
  const accepted = new Map<string, unknown>();
  let script: ((req: CapturedRequest) => Reply | undefined) | undefined;
  const server = await startCaptureServer<CapturedRequest>({
    record: (req) => req,
    reply: (req) => script?.(req) ?? defaultReply(req, accepted),
  });
  return {
    requests: server.requests,
    accepted,
    connections: server.connections,
    url: () => `${server.url}/v1/reports`,
    respond: (fn) => {
      script = fn;
    },
    close: server.close,
  };
}

function defaultReply(req: CapturedRequest, accepted: Map<string, unknown>): Reply {
  let report: { report_id?: unknown };
  try {
    report = JSON.parse(req.body.toString('utf8')) as { report_id?: unknown };
  } catch {
    return { status: 400, body: { error: 'invalid_json', details: [] } };
  }
  const id = String(report.report_id);
  if (accepted.has(id)) return { status: 200, body: { status: 'duplicate' } };
  accepted.set(id, report);
  return { status: 202, body: { status: 'accepted' } };
}
