/** NumPy .npy (format 1.0–3.0) for float32 C-order arrays: what `explain` reads and writes. */
import { fail } from '../errors.js';
import { writeFileAtomic } from './atomic.js';
import { readFileOrFail } from './read.js';

export interface Float32Array2 {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

const MAGIC = '\x93NUMPY';

export function readNpy(file: string): Float32Array2 {
  return parseNpy(readFileOrFail(file, 'input'), file);
}

export function parseNpy(buf: Buffer, source: string): Float32Array2 {
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== MAGIC) fail(`${source}: not a .npy file`);
  const major = buf[6];
  const headerLength = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  if (![1, 2, 3].includes(major) || start + headerLength > buf.length) fail(`${source}: unsupported or truncated .npy header`);
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', start, start + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) fail(`${source}: malformed .npy header`);
  if (descr !== '<f4') fail(`${source}: dtype ${descr}, expected float32 (<f4)`);
  if (fortran === 'True') fail(`${source}: Fortran-order arrays are not supported; save in C order`);
  const dims = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) fail(`${source}: invalid shape (${shapeText})`);
  const count = dims.reduce((a, b) => a * b, 1);
  const offset = start + headerLength;
  if (buf.length - offset !== count * 4) fail(`${source}: holds ${buf.length - offset} data bytes, shape (${dims.join(', ')}) needs ${count * 4}`);
  const data = new Float32Array(count);
  new Uint8Array(data.buffer).set(buf.subarray(offset));
  return { data, dims };
}

export function encodeNpy(data: Float32Array, dims: readonly number[]): Buffer {
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  // Pad so that the data starts at a multiple of 64 bytes, ending the header with a newline.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const head = Buffer.alloc(10);
  head.write(MAGIC, 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

export function writeNpy(file: string, data: Float32Array, dims: readonly number[]): void {
  writeFileAtomic(file, encodeNpy(data, dims));
}
