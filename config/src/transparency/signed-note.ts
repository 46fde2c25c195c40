// Ed25519 signed notes in the C2SP signed-note format (the format of Go's sumdb/note): a text
// ending in a newline, a blank line, then lines "— <key name> base64(key ID || signature)". Key
// IDs, verifier keys ("<name>+<hex key ID>+base64(0x01 || public key)") and signer keys
// ("PRIVATE+KEY+<name>+<hex key ID>+base64(0x01 || seed)") follow the same conventions, so any
// tool that reads those notes can check this receiver's checkpoints.

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

const ED25519 = 0x01;
const SIGNATURE_PREFIX = '\u2014 ';
// DER prefixes that wrap a raw 32-byte Ed25519 seed (PKCS#8) or public key (SPKI).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Buffer;
  /** The text form operators pin in configuration. */
  readonly text: string;
}

export interface NoteSigner extends NoteVerifier {
  readonly privateKey: KeyObject;
}

/** SHA-256(name || 0x0A || 0x01 || public key)[:4] as a big-endian uint32. */
export function noteKeyId(name: string, publicKey: Uint8Array): number {
  return createHash('sha256').update(`${name}\n`).update(Uint8Array.of(ED25519)).update(publicKey).digest().readUInt32BE(0);
}

const hex8 = (id: number): string => id.toString(16).padStart(8, '0');
const validName = (name: string): boolean => name.length > 0 && !/[\s+]/u.test(name);

function decodeKey(name: string, idText: string, material: string): Buffer | undefined {
  if (!validName(name) || !/^[0-9a-f]{8}$/.test(idText) || !BASE64.test(material)) return undefined;
  const raw = Buffer.from(material, 'base64');
  if (raw.length !== 33 || raw[0] !== ED25519) return undefined;
  return raw.subarray(1);
}

function verifierOf(name: string, publicKey: Buffer): NoteVerifier {
  const keyId = noteKeyId(name, publicKey);
  const text = `${name}+${hex8(keyId)}+${Buffer.concat([Uint8Array.of(ED25519), publicKey]).toString('base64')}`;
  return { name, keyId, publicKey, text };
}

/** Parses a verifier key; undefined when malformed or when its key ID does not match. */
export function parseNoteVerifier(text: string): NoteVerifier | undefined {
  // The base64 key material may itself hold '+'.
  const [name = '', idText = '', ...material] = text.trim().split('+');
  const publicKey = decodeKey(name, idText, material.join('+'));
  if (publicKey === undefined) return undefined;
  const verifier = verifierOf(name, publicKey);
  return hex8(verifier.keyId) === idText ? verifier : undefined;
}

/** Parses a signer key; undefined when malformed or when its key ID does not match the key. */
export function parseNoteSigner(text: string): NoteSigner | undefined {
  const [p1, p2, name = '', idText = '', ...material] = text.trim().split('+');
  if (p1 !== 'PRIVATE' || p2 !== 'KEY') return undefined;
  const seed = decodeKey(name, idText, material.join('+'));
  if (seed === undefined) return undefined;
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
  const verifier = verifierOf(name, publicKey);
  return hex8(verifier.keyId) === idText ? { ...verifier, privateKey } : undefined;
}

/** A fresh key pair; returns the signer key text (secret) and the verifier key text (public). */
export function generateNoteKey(name: string): { readonly signerText: string; readonly verifierText: string } {
  if (!validName(name)) throw new Error(`key name ${JSON.stringify(name)} must be non-empty without spaces or "+"`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length);
  const verifier = verifierOf(name, publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length));
  const material = Buffer.concat([Uint8Array.of(ED25519), seed]).toString('base64');
  return { signerText: `PRIVATE+KEY+${name}+${hex8(verifier.keyId)}+${material}`, verifierText: verifier.text };
}

/** Signs `text` (which must end in a newline and hold no blank line) and returns the signed note. */
export function signNote(text: string, signer: NoteSigner): string {
  if (!text.endsWith('\n') || text.includes('\n\n')) throw new Error('note text must end in a newline and contain no blank line');
  const signature = sign(null, Buffer.from(text, 'utf8'), signer.privateKey);
  const id = Buffer.alloc(4);
  id.writeUInt32BE(signer.keyId);
  return `${text}\n${SIGNATURE_PREFIX}${signer.name} ${Buffer.concat([id, signature]).toString('base64')}\n`;
}

export type NoteOpening =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly reason: 'malformed' | 'unknown-key' | 'bad-signature' };

/** Returns the note's text when a signature by `verifier` verifies; signatures by other keys are ignored. */
export function openNote(note: string, verifier: NoteVerifier): NoteOpening {
  if (!note.endsWith('\n') || hasControlCharacter(note)) return { ok: false, reason: 'malformed' };
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return { ok: false, reason: 'malformed' };
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  let found = false;
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) return { ok: false, reason: 'malformed' };
    const [name = '', blob = '', ...rest] = line.slice(SIGNATURE_PREFIX.length).split(' ');
    if (rest.length > 0 || !validName(name) || !BASE64.test(blob)) return { ok: false, reason: 'malformed' };
    const raw = Buffer.from(blob, 'base64');
    if (raw.length < 5) return { ok: false, reason: 'malformed' };
    if (name !== verifier.name || raw.readUInt32BE(0) !== verifier.keyId) continue;
    const publicKey = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, verifier.publicKey]), format: 'der', type: 'spki' });
    // A known key whose signature fails rejects the whole note (signed-note spec).
    if (raw.length !== 68 || !verify(null, Buffer.from(text, 'utf8'), publicKey, raw.subarray(4))) return { ok: false, reason: 'bad-signature' };
    found = true;
  }
  return found ? { ok: true, text } : { ok: false, reason: 'unknown-key' };
}

/** Signed notes hold no ASCII control character but newline. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) return true;
  }
  return false;
}
