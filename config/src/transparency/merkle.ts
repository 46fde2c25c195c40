// RFC 6962 Merkle tree hashing and the proof verification algorithms of RFC 9162 section 2.1.3.2
// (inclusion) and 2.1.4.2 (consistency). Pure functions over 32-byte SHA-256 hashes, shared by the
// receiver (which builds the log) and the collector (which checks it).

import { createHash } from 'node:crypto';

export const HASH_BYTES = 32;

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_TREE_HASH: Buffer = createHash('sha256').digest();

/** Leaf hash of the exact bytes: SHA-256(0x00 || data). */
export function hashLeaf(data: Uint8Array): Buffer {
  return createHash('sha256').update(Uint8Array.of(0)).update(data).digest();
}

/** Interior node: SHA-256(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(Uint8Array.of(1)).update(left).update(right).digest();
}

const isHash = (h: Uint8Array): boolean => h.length === HASH_BYTES;
const equal = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;
const isSize = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

/** The root an inclusion proof leads to, or undefined when the proof has the wrong shape. */
export function rootFromInclusionProof(leafIndex: number, treeSize: number, leafHash: Uint8Array, proof: readonly Uint8Array[]): Buffer | undefined {
  if (!isSize(leafIndex) || !isSize(treeSize) || leafIndex >= treeSize || !isHash(leafHash) || !proof.every(isHash)) return undefined;
  // Plain numbers are exact up to 2^53, far beyond any log this receiver keeps.
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/** True when `proof` shows the leaf at `leafIndex` in the tree of `treeSize` leaves with `root`. */
export function verifyInclusion(leafIndex: number, treeSize: number, leafHash: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  const computed = rootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
  return computed !== undefined && isHash(root) && equal(computed, root);
}

/** True when the tree of `size2` leaves with `root2` extends the tree of `size1` leaves with `root1`. */
export function verifyConsistency(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!isSize(size1) || !isSize(size2) || size1 > size2 || !proof.every(isHash)) return false;
  if (size1 === size2) return proof.length === 0 && equal(root1, root2);
  // Every tree extends the empty tree; nothing to prove.
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0 || !isHash(root1) || !isHash(root2)) return false;
  const path = [...proof];
  // When size1 is a power of two, its root is the first node of the proof's path.
  if (isPowerOfTwo(size1)) path.unshift(root1);
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(fr, root1) && equal(sr, root2);
}

function isPowerOfTwo(n: number): boolean {
  let x = n;
  while (x > 1) {
    if (x % 2 !== 0) return false;
    x /= 2;
  }
  return x === 1;
}
