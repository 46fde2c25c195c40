// A seeded uniform [0,1) sequence (mulberry32): tests that draw random data or random delays take
// it so a failure replays exactly from its seed. Small, fast and good enough for test data; not
// for anything secret.

export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
