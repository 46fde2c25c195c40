// Caps failed sign-ins per minute for the whole process. It keys on nothing about the client
// (the receiver never keeps IP addresses), so a flood can delay the operator's own sign-in by up
// to a minute; the admin token is long and random, and this only stops online guessing at speed.

export interface SignInThrottleOptions {
  readonly maxFailuresPerWindow: number;
  readonly windowMs: number;
  readonly now: () => Date;
}

export interface SignInThrottle {
  /** Milliseconds until attempts are allowed again, or 0 when they are allowed now. */
  retryAfterMs(): number;
  recordFailure(): void;
}

export function createSignInThrottle(options: SignInThrottleOptions): SignInThrottle {
  let windowStart = 0;
  let failures = 0;
  const roll = (at: number): void => {
    if (at - windowStart >= options.windowMs) {
      windowStart = at;
      failures = 0;
    }
  };
  return {
    retryAfterMs() {
      const at = options.now().getTime();
      roll(at);
      return failures >= options.maxFailuresPerWindow ? windowStart + options.windowMs - at : 0;
    },
    recordFailure() {
      roll(options.now().getTime());
      failures += 1;
    },
  };
}
