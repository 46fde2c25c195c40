// Turns the published privacy parameters into the discrete Laplace mechanism's integers, and into
// the numbers the public page states about it. ε is given as a decimal and kept as an exact
// fraction num/den, so the noise scale Δ/ε = Δ·den/num is an exact fraction t/s for the sampler.
// Margins and thresholds are about what to *state*, not what to draw, so they are computed in
// floating point and rounded up (the stated margin is never tighter than the true one).

export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

/** "0.25" → 1/4, "2" → 2/1; undefined unless a positive decimal with at most 6 decimal places. */
export function parseEpsilon(text: string): Rational | undefined {
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (match === null) return undefined;
  const fraction = match[2] ?? '';
  const num = BigInt(`${match[1]}${fraction}`);
  const den = 10n ** BigInt(fraction.length);
  if (num === 0n) return undefined;
  const g = gcd(num, den);
  return { num: num / g, den: den / g };
}

function gcd(a: bigint, b: bigint): bigint {
  return b === 0n ? a : gcd(b, a % b);
}

export const toNumber = (r: Rational): number => Number(r.num) / Number(r.den);

/** The sampler's (s, t) for sensitivity Δ at ε: scale t/s = Δ/ε. */
export function laplaceParameters(sensitivity: number, epsilon: Rational): { s: bigint; t: bigint } {
  return { s: epsilon.num, t: BigInt(sensitivity) * epsilon.den };
}

/** The noise scale b = Δ/ε. */
export const laplaceScale = (sensitivity: number, epsilon: Rational): number => sensitivity / toNumber(epsilon);

/** P(|X| ≥ k) for discrete Laplace noise of scale b, k ≥ 1: 2·p^k/(1+p), p = e^(−1/b). */
export function tailProbability(scale: number, k: number): number {
  const p = Math.exp(-1 / scale);
  return (2 * p ** k) / (1 + p);
}

/** The smallest m with P(|X| > m) ≤ 1 − confidence: the published value is within ±m of the truth. */
export function marginAt(scale: number, confidence: number): number {
  const p = Math.exp(-1 / scale);
  // 2p^(m+1)/(1+p) ≤ 1−c  ⇔  m+1 ≥ ln((1−c)(1+p)/2) / ln p
  const m = Math.ceil(Math.log(((1 - confidence) * (1 + p)) / 2) / Math.log(p)) - 1;
  return Math.max(0, m);
}

/**
 * The smallest noisy count at which a version may be named, so that a version held by one
 * deployment alone is named with probability at most δ: P(1 + X ≥ τ) = p^(τ−1)/(1+p) ≤ δ.
 */
export function selectionThreshold(scale: number, delta: number): number {
  const p = Math.exp(-1 / scale);
  return 1 + Math.max(0, Math.ceil(Math.log(delta * (1 + p)) / Math.log(p)));
}
