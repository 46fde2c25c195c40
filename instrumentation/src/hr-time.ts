// The instant counting began, as OpenTelemetry's [seconds, nanoseconds] pair, taken without
// loading the SDK (which this package loads only after start-up). Same clock as the SDK's own
// hrTime(): the performance time origin plus the monotonic time since.

import type { HrTime } from '@opentelemetry/api';

export function hrTimeNow(): HrTime {
  const ms = performance.timeOrigin + performance.now();
  let seconds = Math.floor(ms / 1000);
  let nanos = Math.round((ms - seconds * 1000) * 1_000_000);
  if (nanos >= 1_000_000_000) {
    seconds += 1;
    nanos -= 1_000_000_000;
  }
  return [seconds, nanos];
}
