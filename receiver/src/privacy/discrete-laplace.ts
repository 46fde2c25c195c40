// An exact sampler of the discrete Laplace distribution on the integers,
// P(x) ∝ exp(−|x| / scale) with a rational scale = t/s, after Canonne, Kamath and Steinke, "The
// Discrete Gaussian for Differential Privacy" (2020), algorithms 1 and 2. Every step is integer
// or BigInt arithmetic on uniform draws from a RandomSource: no floating point, so the output
// distribution is exactly the stated one (floating-point Laplace samplers leak through the gaps
// in the doubles they can produce).

import type { RandomSource } from './random-source.js';

/** True with probability num/den (0 ≤ num ≤ den, den ≥ 1). */
export function bernoulli(random: RandomSource, num: bigint, den: bigint): boolean {
  return random.below(den) < num;
}

/** True with probability exp(−num/den), for num ≥ 0, den ≥ 1 (algorithm 1). */
export function bernoulliExp(random: RandomSource, num: bigint, den: bigint): boolean {
  let n = num;
  while (n > den) {
    // exp(−γ) = exp(−1)^⌊γ⌋ · exp(−(γ − ⌊γ⌋)).
    if (!bernoulliExpAtMostOne(random, 1n, 1n)) return false;
    n -= den;
  }
  return bernoulliExpAtMostOne(random, n, den);
}

/** exp(−γ) for γ = num/den in [0, 1]: the parity of the first k with Bernoulli(γ/k) false. */
function bernoulliExpAtMostOne(random: RandomSource, num: bigint, den: bigint): boolean {
  let k = 1n;
  while (bernoulli(random, num, den * k)) k += 1n;
  return k % 2n === 1n;
}

/** One draw of the discrete Laplace distribution with scale t/s (s, t ≥ 1) (algorithm 2). */
export function sampleDiscreteLaplace(random: RandomSource, s: bigint, t: bigint): bigint {
  if (s < 1n || t < 1n) throw new RangeError('discrete Laplace needs s, t >= 1');
  for (;;) {
    const u = random.below(t);
    if (!bernoulliExp(random, u, t)) continue;
    let v = 0n;
    while (bernoulliExp(random, 1n, 1n)) v += 1n;
    const y = (u + t * v) / s;
    const negative = bernoulli(random, 1n, 2n);
    if (negative && y === 0n) continue;
    return negative ? -y : y;
  }
}
