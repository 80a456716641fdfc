/** Access to ../shared/fixtures/zennit (zennit 1.0 output, the ground truth). */
import fs from 'node:fs';
import path from 'node:path';
import { packagePath } from '../../src/paths.js';

export const FIXTURES = path.resolve(packagePath(), '../shared/fixtures/zennit');

export function readF32(file: string): Float32Array {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function readF64(file: string): Float64Array {
  const b = fs.readFileSync(file);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export interface FixtureIndex {
  models: Record<string, { dir: string; onnx_files: string[]; input_shape: number[]; targets: number[]; cases: string[] }>;
}

export interface CaseManifest {
  method: 'lrp' | 'gradient' | 'gradient_x_input';
  composite: null | {
    class: string;
    kwargs_effective?: Record<string, number>;
    layer_map?: { types: string; rule: string; params: Record<string, number> }[];
  };
  targets: number[];
  rule_by_onnx_node?: { node: string; op_type: string; rule: string; params?: Record<string, number> }[];
}

export const fixtureIndex = (): FixtureIndex => JSON.parse(fs.readFileSync(path.join(FIXTURES, 'index.json'), 'utf8'));
export const caseManifest = (model: string, c: string): CaseManifest => JSON.parse(fs.readFileSync(path.join(FIXTURES, model, `relevance_${c}.json`), 'utf8'));
