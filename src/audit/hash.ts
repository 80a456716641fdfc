/** SHA-256, the one hash of the audit trail (records, chain, Merkle tree, key ids). */
import { createHash } from 'node:crypto';

export function sha256(...parts: readonly Uint8Array[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The `prev` of the first line of a log: no predecessor. */
export const ZERO_DIGEST = '0'.repeat(64);

export const HEX64 = /^[0-9a-f]{64}$/;

/** SHA-256 of float32 values as little-endian bytes (the byte order of every platform onnxruntime-node ships for). */
export function float32Sha256(values: Float32Array): string {
  return sha256Hex(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}
