/**
 * SHA-256, the one hash of the audit trail (records, chain, Merkle tree, key ids). One-shot (crypto.hash): a log's
 * every line costs several hashes of small inputs, and a Hash object per input took as long as the hashing.
 */
import { hash } from 'node:crypto';

export function sha256(...parts: readonly Uint8Array[]): Buffer {
  return hash('sha256', parts.length === 1 ? parts[0] : Buffer.concat(parts), 'buffer');
}

export function sha256Hex(data: Uint8Array | string): string {
  return hash('sha256', data, 'hex');
}

/** The `prev` of the first line of a log: no predecessor. */
export const ZERO_DIGEST = '0'.repeat(64);

export const HEX64 = /^[0-9a-f]{64}$/;

/** SHA-256 of float32 values as little-endian bytes (the byte order of every platform onnxruntime-node ships for). */
export function float32Sha256(values: Float32Array): string {
  return sha256Hex(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}
