/**
 * Ed25519 signing keys of the audit log (node:crypto). Key generation (the CLI writes the files):
 *
 *   const { privateKey, publicKey } = generateKeyPairSync('ed25519');
 *   privateKey.export({ type: 'pkcs8', format: 'pem' })  → audit-signing.key.pem (mode 0600, kept off the log's disk)
 *   publicKey.export({ type: 'spki', format: 'pem' })    → audit-signing.pub.pem (published with every export)
 *
 * Key id: the first 16 hex digits of SHA-256 of the raw 32-byte public key; checkpoints name their key by it,
 * so a verifier given several public keys (rotation) picks the right one.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { fail } from '../errors.js';
import { sha256Hex } from './hash.js';

export interface AuditKeyPair {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  readonly keyId: string;
}

export function generateAuditKeyPair(): AuditKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyId(publicKey),
  };
}

/** First 16 hex of SHA-256 of the raw public key (accepts the private key too: its public half is used). */
export function keyId(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const raw = Buffer.from(pub.export({ format: 'jwk' }).x ?? '', 'base64url');
  return sha256Hex(raw).slice(0, 16);
}

export function loadPrivateKey(pem: string | Buffer, source: string): KeyObject {
  return ed25519(() => createPrivateKey(pem), source, 'private');
}

export function loadPublicKey(pem: string | Buffer, source: string): KeyObject {
  // node derives a public key from a private one; a private key handed where a public one goes would be copied
  // into auditors' bundles, so it is refused.
  if (isPrivateKey(pem)) fail(`${source}: this is a private key; give the public key (audit-signing.pub.pem), and keep the private key on the signing host`);
  return ed25519(() => createPublicKey(pem), source, 'public');
}

function isPrivateKey(pem: string | Buffer): boolean {
  try {
    createPrivateKey(pem);
    return true;
  } catch {
    return false;
  }
}

/** A key as the public-key PEM (SPKI) to publish. */
export const publicKeyPem = (key: KeyObject): string => (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'pem' }).toString();

function ed25519(load: () => KeyObject, source: string, kind: string): KeyObject {
  let key: KeyObject;
  try {
    key = load();
  } catch {
    fail(`${source}: not a PEM ${kind} key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') fail(`${source}: an Ed25519 key is required, not ${key.asymmetricKeyType ?? 'a symmetric key'}`);
  if (key.type !== kind) fail(`${source}: a ${kind} key is required`);
  return key;
}

/** Public keys by key id, for verification. */
export type KeyRing = ReadonlyMap<string, KeyObject>;

export function keyRing(keys: KeyObject | readonly KeyObject[]): KeyRing {
  const list = Array.isArray(keys) ? keys : [keys as KeyObject];
  return new Map(list.map((k) => [keyId(k), k.type === 'private' ? createPublicKey(k) : k]));
}
