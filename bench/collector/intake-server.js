// The intake alone: the real OTLP/HTTP intake (body limits, gzip, protobuf decoding, responses)
// in front of a consumer that accepts everything and keeps nothing. Separates decoding cost from
// the pipeline's (privacy filter, to-delta, window totals, one SQLite transaction per request).
import { pino } from 'pino';
import { createOtlpHttpIntake } from '../../processor/dist/otlp/index.js';
import { countDataPoints } from '../../processor/dist/model/metrics-request.js';

let points = 0;
const intake = createOtlpHttpIntake({
  endpoint: '127.0.0.1:0',
  maxRequestBodyBytes: 8 * 1024 * 1024,
  consumer: {
    consumeBatch(requests) {
      return requests.map((request) => {
        points += countDataPoints(request);
        return { kind: 'accepted', rejectedDataPoints: 0, errorMessage: '' };
      });
    },
  },
  observer: { requestRefused: () => {} },
  logger: pino({ level: 'warn' }),
});
await intake.start();
process.send?.({ port: intake.address().port });
process.once('SIGTERM', () => {
  void intake.shutdown().then(() => process.exit(points >= 0 ? 0 : 1));
});
