import { describe, expect, it } from 'vitest';
import { NOTE_VECTOR } from '../testing/rfc6962-vectors.js';
import { openCheckpoint, signCheckpoint } from './checkpoint.js';
import { createHashTree } from './hash-tree.js';
import { generateNoteKey, noteKeyId, openNote, parseNoteSigner, parseNoteVerifier, signNote } from './signed-note.js';

describe('signed notes and checkpoints (C2SP signed-note, tlog-checkpoint)', () => {
  it('reproduces the published sumdb/note example byte for byte: key ID, verifier key and signature', () => {
    const signer = parseNoteSigner(NOTE_VECTOR.signer)!;
    const verifier = parseNoteVerifier(NOTE_VECTOR.verifier)!;
    expect(verifier.keyId).toBe(0xc74f20a3);
    expect(noteKeyId('PeterNeumann', verifier.publicKey)).toBe(0xc74f20a3);
    expect(signer.text).toBe(NOTE_VECTOR.verifier);
    const note = signNote(NOTE_VECTOR.text, signer);
    expect(note).toBe(`${NOTE_VECTOR.text}\n${NOTE_VECTOR.signatureLine}`);
    expect(openNote(note, verifier)).toEqual({ ok: true, text: NOTE_VECTOR.text });
  });

  it('refuses malformed keys and keys whose ID does not match', () => {
    for (const bad of [
      'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'PeterNeumann+c74f20a3',
      'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==',
    ]) {
      expect(parseNoteVerifier(bad)).toBeUndefined();
    }
    expect(parseNoteSigner(NOTE_VECTOR.verifier)).toBeUndefined();
  });

  it('rejects an altered text, a signature by another key of the same name, and a note with no known signature', () => {
    const verifier = parseNoteVerifier(NOTE_VECTOR.verifier)!;
    const note = `${NOTE_VECTOR.text}\n${NOTE_VECTOR.signatureLine}`;
    expect(openNote(note.replace('cryptography', 'cryptographY'), verifier)).toEqual({ ok: false, reason: 'bad-signature' });
    const other = parseNoteSigner(generateNoteKey('PeterNeumann').signerText)!;
    expect(openNote(signNote(NOTE_VECTOR.text, other), verifier)).toEqual({ ok: false, reason: 'unknown-key' });
    expect(openNote(NOTE_VECTOR.text, verifier)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('signs a checkpoint that opens only with its own key and says the size and root it was given', () => {
    const key = generateNoteKey('receiver.example/log');
    const signer = parseNoteSigner(key.signerText)!;
    const tree = createHashTree();
    const note = signCheckpoint(tree.size, tree.root(), signer);
    expect(note.split('\n').slice(0, 3)).toEqual(['receiver.example/log', '0', tree.root().toString('base64')]);
    const opened = openCheckpoint(note, parseNoteVerifier(key.verifierText)!);
    expect(opened).toEqual({ ok: true, checkpoint: { origin: 'receiver.example/log', treeSize: 0, rootHash: tree.root() } });
    const stranger = parseNoteVerifier(generateNoteKey('receiver.example/log').verifierText)!;
    expect(openCheckpoint(note, stranger)).toEqual({ ok: false, reason: 'unknown-key' });
  });
});
