// An append-only RFC 6962 Merkle tree held in memory: the hash of every complete (power-of-two,
// aligned) subtree is kept once, 32 bytes each in one growing buffer per level, about 64 bytes per
// leaf in all. Roots and proofs (RFC 6962 sections 2.1, 2.1.1, 2.1.2) for any earlier size are
// then O(log² n) hash operations and never re-read the leaves.

import { EMPTY_TREE_HASH, HASH_BYTES, hashChildren } from './merkle.js';

export interface HashTree {
  /** Number of leaves. */
  readonly size: number;
  append(leafHash: Uint8Array): void;
  /** MTH of the first `treeSize` leaves (default: all). */
  root(treeSize?: number): Buffer;
  /** Audit path of leaf `leafIndex` in the tree of the first `treeSize` leaves. */
  inclusionProof(leafIndex: number, treeSize: number): Buffer[];
  /** Consistency proof from the first `size1` leaves to the first `size2` leaves. */
  consistencyProof(size1: number, size2: number): Buffer[];
}

/** Fixed-size hashes in one buffer that doubles when full. */
class HashList {
  private bytes = Buffer.alloc(HASH_BYTES * 16);
  length = 0;

  push(hash: Uint8Array): void {
    if ((this.length + 1) * HASH_BYTES > this.bytes.length) {
      const grown = Buffer.alloc(this.bytes.length * 2);
      this.bytes.copy(grown);
      this.bytes = grown;
    }
    this.bytes.set(hash, this.length * HASH_BYTES);
    this.length += 1;
  }

  get(index: number): Buffer {
    return this.bytes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
  }
}

/** The largest power of two smaller than n (n > 1). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function createHashTree(): HashTree {
  const levels: HashList[] = [new HashList()];

  // MTH of leaves [start, start + n); n ≥ 1 and start aligned as RFC 6962's decomposition keeps it.
  const subtree = (start: number, n: number): Buffer => {
    let level = 0;
    while (2 ** level < n) level += 1;
    if (2 ** level === n && start % n === 0) return Buffer.from(levels[level]!.get(start / n));
    const k = splitPoint(n);
    return hashChildren(subtree(start, k), subtree(start + k, n - k));
  };

  const path = (m: number, start: number, n: number): Buffer[] => {
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k ? [...path(m, start, k), subtree(start + k, n - k)] : [...path(m - k, start + k, n - k), subtree(start, k)];
  };

  const subproof = (m: number, start: number, n: number, complete: boolean): Buffer[] => {
    if (m === n) return complete ? [] : [subtree(start, n)];
    const k = splitPoint(n);
    return m <= k
      ? [...subproof(m, start, k, complete), subtree(start + k, n - k)]
      : [...subproof(m - k, start + k, n - k, false), subtree(start, k)];
  };

  const checkSize = (treeSize: number): void => {
    if (!Number.isSafeInteger(treeSize) || treeSize < 0 || treeSize > levels[0]!.length) {
      throw new RangeError(`tree size ${treeSize} is not between 0 and ${levels[0]!.length}`);
    }
  };

  return {
    get size() {
      return levels[0]!.length;
    },
    append(leafHash) {
      if (leafHash.length !== HASH_BYTES) throw new RangeError('a leaf hash is 32 bytes');
      levels[0]!.push(leafHash);
      // Each completed pair of subtrees completes their parent.
      for (let level = 0; levels[level]!.length % 2 === 0; level += 1) {
        const list = levels[level]!;
        const parent = hashChildren(list.get(list.length - 2), list.get(list.length - 1));
        (levels[level + 1] ??= new HashList()).push(parent);
      }
    },
    root(treeSize = levels[0]!.length) {
      checkSize(treeSize);
      return treeSize === 0 ? Buffer.from(EMPTY_TREE_HASH) : subtree(0, treeSize);
    },
    inclusionProof(leafIndex, treeSize) {
      checkSize(treeSize);
      if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= treeSize) {
        throw new RangeError(`leaf ${leafIndex} is not in a tree of ${treeSize}`);
      }
      return path(leafIndex, 0, treeSize);
    },
    consistencyProof(size1, size2) {
      checkSize(size2);
      if (!Number.isSafeInteger(size1) || size1 < 0 || size1 > size2) throw new RangeError(`size ${size1} is not between 0 and ${size2}`);
      return size1 === 0 || size1 === size2 ? [] : subproof(size1, 0, size2, true);
    },
  };
}
