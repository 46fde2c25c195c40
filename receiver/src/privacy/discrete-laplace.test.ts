// The sampler's distribution against the discrete Laplace theory, on many draws from a keyed
// stream with a fixed key (so the test is repeatable; production draws use a secret key).
// For scale b and p = e^(−1/b): P(x) = (1−p)/(1+p)·p^|x|, mean 0, variance 2p/(1−p)²,
// P(|X| ≥ k) = 2p^k/(1+p).

import { describe, expect, it } from 'vitest';
import { bernoulliExp, sampleDiscreteLaplace } from './discrete-laplace.js';
import { cryptoRandomSource, keyedRandomSource } from './random-source.js';

const key = Buffer.from('fixed test key: repeatable draws only');

function draws(s: bigint, t: bigint, n: number, label: string): number[] {
  const random = keyedRandomSource(key, label);
  return Array.from({ length: n }, () => Number(sampleDiscreteLaplace(random, s, t)));
}

describe('discrete Laplace sampler', () => {
  for (const [s, t] of [
    [1n, 3n],
    [2n, 7n],
  ] as const) {
    const b = Number(t) / Number(s);
    it(`matches mean, variance, shape and tail of scale ${t}/${s}`, () => {
      const n = 60_000;
      const xs = draws(s, t, n, `scale ${t}/${s}`);
      const p = Math.exp(-1 / b);
      const variance = (2 * p) / (1 - p) ** 2;
      const mean = xs.reduce((a, x) => a + x, 0) / n;
      const sampleVar = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
      // Fourth central moment of the distribution, from its pmf, for the variance's standard error.
      let m4 = 0;
      for (let x = -2000; x <= 2000; x += 1) m4 += ((1 - p) / (1 + p)) * p ** Math.abs(x) * x ** 4;
      expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(variance / n));
      expect(Math.abs(sampleVar - variance)).toBeLessThan(5 * Math.sqrt((m4 - variance ** 2) / n));

      // Pearson χ² over the values −K..K and the two tails (2K+3 cells).
      const K = Math.ceil(3 * b);
      const pmf = (x: number): number => ((1 - p) / (1 + p)) * p ** Math.abs(x);
      const tail = p ** (K + 1) / (1 + p);
      const observed = new Map<number, number>();
      for (const x of xs) {
        const cell = x > K ? K + 1 : x < -K ? -K - 1 : x;
        observed.set(cell, (observed.get(cell) ?? 0) + 1);
      }
      let chi2 = 0;
      for (let cell = -K - 1; cell <= K + 1; cell += 1) {
        const expected = n * (Math.abs(cell) === K + 1 ? tail : pmf(cell));
        chi2 += ((observed.get(cell) ?? 0) - expected) ** 2 / expected;
      }
      const df = 2 * K + 2;
      // Wilson–Hilferty: the 0.999 quantile of χ²(df).
      const critical = df * (1 - 2 / (9 * df) + 3.09 * Math.sqrt(2 / (9 * df))) ** 3;
      expect(chi2).toBeLessThan(critical);

      // The far tail, P(|X| ≥ 4b), within 5 binomial standard deviations.
      const k = Math.ceil(4 * b);
      const q = (2 * p ** k) / (1 + p);
      const far = xs.filter((x) => Math.abs(x) >= k).length;
      expect(Math.abs(far - n * q)).toBeLessThan(5 * Math.sqrt(n * q * (1 - q)));
      // Symmetric: as many positive as negative draws.
      const positive = xs.filter((x) => x > 0).length;
      const negative = xs.filter((x) => x < 0).length;
      expect(Math.abs(positive - negative)).toBeLessThan(5 * Math.sqrt(positive + negative));
    });
  }

  it('draws Bernoulli(exp(−γ)) with the right frequency below and above γ = 1', () => {
    const random = keyedRandomSource(key, 'bernoulli-exp');
    const n = 40_000;
    for (const [num, den] of [
      [3n, 10n],
      [5n, 2n],
    ] as const) {
      const q = Math.exp(-Number(num) / Number(den));
      let hits = 0;
      for (let i = 0; i < n; i += 1) if (bernoulliExp(random, num, den)) hits += 1;
      expect(Math.abs(hits - n * q)).toBeLessThan(5 * Math.sqrt(n * q * (1 - q)));
    }
  });

  it('gives the same draws for the same key and label, different ones for another label', () => {
    expect(draws(1n, 5n, 50, 'week A')).toEqual(draws(1n, 5n, 50, 'week A'));
    expect(draws(1n, 5n, 50, 'week A')).not.toEqual(draws(1n, 5n, 50, 'week B'));
  });

  it('draws uniform integers from the operating system generator over the whole range', () => {
    const random = cryptoRandomSource();
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 7000; i += 1) counts[Number(random.below(7n))]! += 1;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(5 * Math.sqrt(1000 * (6 / 7)));
    expect(random.below(1n)).toBe(0n);
    const big = 2n ** 80n + 13n;
    expect(random.below(big)).toBeLessThan(big);
  });
});
