import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT_HEX, VECTOR_CONSISTENCY, VECTOR_INCLUSION, VECTOR_LEAVES, VECTOR_ROOTS } from '../testing/rfc6962-vectors.js';
import { createHashTree } from './hash-tree.js';
import { EMPTY_TREE_HASH, hashLeaf, rootFromInclusionProof, verifyConsistency, verifyInclusion } from './merkle.js';

const h = (hex: string): Buffer => Buffer.from(hex, 'hex');
const leafHashes = VECTOR_LEAVES.map((leaf) => hashLeaf(h(leaf)));
const treeOf = (n: number) => {
  const tree = createHashTree();
  leafHashes.slice(0, n).forEach((leaf) => tree.append(leaf));
  return tree;
};
const flipped = (proof: readonly Buffer[], i: number): Buffer[] =>
  proof.map((p, j) => (j === i ? Buffer.from(p.map((b, k) => (k === 0 ? b ^ 8 : b))) : p));

describe('RFC 6962 Merkle tree against the published test vectors', () => {
  it('hashes the empty tree and every prefix of the eight vector leaves to the published roots', () => {
    expect(EMPTY_TREE_HASH.toString('hex')).toBe(EMPTY_ROOT_HEX);
    expect(createHashTree().root().toString('hex')).toBe(EMPTY_ROOT_HEX);
    const tree = treeOf(8);
    VECTOR_ROOTS.forEach((root, i) => expect(tree.root(i + 1).toString('hex')).toBe(root));
    // Building incrementally gives the same roots as building at once.
    VECTOR_ROOTS.forEach((root, i) => expect(treeOf(i + 1).root().toString('hex')).toBe(root));
  });

  it('generates exactly the published audit paths, and they verify', () => {
    const tree = treeOf(8);
    for (const v of VECTOR_INCLUSION) {
      const proof = tree.inclusionProof(v.leaf - 1, v.size);
      expect(proof.map((p) => p.toString('hex'))).toEqual(v.proof);
      expect(verifyInclusion(v.leaf - 1, v.size, leafHashes[v.leaf - 1]!, proof, h(VECTOR_ROOTS[v.size - 1]!))).toBe(true);
    }
  });

  it('generates exactly the published consistency proofs, and they verify', () => {
    const tree = treeOf(8);
    for (const v of VECTOR_CONSISTENCY) {
      const proof = tree.consistencyProof(v.size1, v.size2);
      expect(proof.map((p) => p.toString('hex'))).toEqual(v.proof);
      expect(verifyConsistency(v.size1, v.size2, h(VECTOR_ROOTS[v.size1 - 1]!), h(VECTOR_ROOTS[v.size2 - 1]!), proof)).toBe(true);
    }
  });

  it('rejects audit paths with a wrong index, size, leaf, root, a flipped bit, or a node added or removed', () => {
    for (const v of VECTOR_INCLUSION.filter((x) => x.proof.length > 0)) {
      const index = v.leaf - 1;
      const proof = v.proof.map(h);
      const root = h(VECTOR_ROOTS[v.size - 1]!);
      const leaf = leafHashes[index]!;
      expect(verifyInclusion(index, v.size, leaf, proof, root)).toBe(true);
      expect(verifyInclusion(index + 1, v.size, leaf, proof, root)).toBe(false);
      if (index > 0) expect(verifyInclusion(index - 1, v.size, leaf, proof, root)).toBe(false);
      expect(verifyInclusion(index, v.size * 2, leaf, proof, root)).toBe(false);
      expect(verifyInclusion(index, Math.floor(v.size / 2), leaf, proof, root)).toBe(false);
      expect(verifyInclusion(index, v.size, hashLeaf(Buffer.from('WrongLeaf')), proof, root)).toBe(false);
      expect(verifyInclusion(index, v.size, leaf, proof, EMPTY_TREE_HASH)).toBe(false);
      expect(verifyInclusion(index, v.size, leaf, [...proof, root], root)).toBe(false);
      expect(verifyInclusion(index, v.size, leaf, [root, ...proof], root)).toBe(false);
      expect(verifyInclusion(index, v.size, leaf, proof.slice(0, -1), root)).toBe(false);
      for (let i = 0; i < proof.length; i++) expect(verifyInclusion(index, v.size, leaf, flipped(proof, i), root)).toBe(false);
    }
    expect(rootFromInclusionProof(0, 0, leafHashes[0]!, [])).toBeUndefined();
    expect(rootFromInclusionProof(2, 1, leafHashes[0]!, [])).toBeUndefined();
  });

  it('rejects consistency proofs with wrong sizes, swapped or wrong roots, a flipped bit, or a node added or removed', () => {
    for (const v of VECTOR_CONSISTENCY.filter((x) => x.proof.length > 0)) {
      const proof = v.proof.map(h);
      const r1 = h(VECTOR_ROOTS[v.size1 - 1]!);
      const r2 = h(VECTOR_ROOTS[v.size2 - 1]!);
      expect(verifyConsistency(v.size1, v.size2, r1, r2, proof)).toBe(true);
      expect(verifyConsistency(v.size1 - 1, v.size2, r1, r2, proof)).toBe(false);
      expect(verifyConsistency(v.size1 + 1, v.size2, r1, r2, proof)).toBe(false);
      expect(verifyConsistency(v.size1, v.size2 * 2, r1, r2, proof)).toBe(false);
      expect(verifyConsistency(v.size1, v.size2, r2, r1, proof)).toBe(false);
      expect(verifyConsistency(v.size1, v.size2, EMPTY_TREE_HASH, r2, proof)).toBe(false);
      expect(verifyConsistency(v.size1, v.size2, r1, r2, [])).toBe(false);
      expect(verifyConsistency(v.size1, v.size2, r1, r2, [...proof, r1])).toBe(false);
      expect(verifyConsistency(v.size1, v.size2, r1, r2, [proof[0]!, ...proof])).toBe(false);
      expect(verifyConsistency(v.size1, v.size2, r1, r2, proof.slice(0, -1))).toBe(false);
      for (let i = 0; i < proof.length; i++) expect(verifyConsistency(v.size1, v.size2, r1, r2, flipped(proof, i))).toBe(false);
    }
    // A tree never shrinks; equal sizes need equal roots and no proof.
    expect(verifyConsistency(2, 1, h(VECTOR_ROOTS[1]!), h(VECTOR_ROOTS[0]!), [])).toBe(false);
    expect(verifyConsistency(3, 3, h(VECTOR_ROOTS[2]!), h(VECTOR_ROOTS[2]!), [])).toBe(true);
    expect(verifyConsistency(3, 3, h(VECTOR_ROOTS[2]!), h(VECTOR_ROOTS[3]!), [])).toBe(false);
  });

  it('proves every leaf and every pair of sizes of a larger tree it built itself', () => {
    const tree = createHashTree();
    for (let i = 0; i < 40; i++) tree.append(hashLeaf(Buffer.from(`leaf ${i}`)));
    for (let size = 1; size <= 40; size++) {
      const root = tree.root(size);
      for (let i = 0; i < size; i++) {
        expect(verifyInclusion(i, size, hashLeaf(Buffer.from(`leaf ${i}`)), tree.inclusionProof(i, size), root)).toBe(true);
      }
      for (let first = 1; first <= size; first++) {
        expect(verifyConsistency(first, size, tree.root(first), root, tree.consistencyProof(first, size))).toBe(true);
      }
    }
    expect(() => tree.root(41)).toThrow(RangeError);
    expect(() => tree.inclusionProof(5, 5)).toThrow(RangeError);
  });
});
