// The receiver's one logger: JSON lines (pino) to stdout, or to a stream tests capture. No request
// serializers are installed, so nothing about a client (address, headers) can reach a log line.

import { pino, type DestinationStream, type Logger } from 'pino';

export function createLogger(options: { readonly level?: string; readonly stream?: DestinationStream } = {}): Logger {
  return pino(
    { level: options.level ?? 'info', base: { service: 'lunadefend-receiver' }, timestamp: pino.stdTimeFunctions.isoTime },
    options.stream ?? pino.destination({ dest: 1, sync: true }),
  );
}
