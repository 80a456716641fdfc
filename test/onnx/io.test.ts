/** ONNX I/O: lossless round trips, inline and with external data, checked by onnxruntime on the result. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeModel, loadModelFile } from '../../src/onnx/load.js';
import { encodeModel, writeModelWithExternalData } from '../../src/onnx/save.js';
import { inferShapes } from '../../src/onnx/shapes.js';
import { FIXTURES, readF32 } from '../helpers/fixtures.js';

const CNN = path.join(FIXTURES, 'cnn', 'model.onnx');

async function logits(model: string | Uint8Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model as string);
  const x = readF32(path.join(FIXTURES, 'cnn', 'input.f32'));
  const out = await session.run({ input: new ort.Tensor('float32', x, [3, 3, 32, 32]) });
  await session.release();
  return out.logits.data as Float32Array;
}

describe('ONNX load/save', () => {
  it('round-trips a model: same nodes, attributes, initializers and outputs', async () => {
    const model = loadModelFile(CNN);
    const again = decodeModel(encodeModel(model));
    expect(again.graph.nodes).toEqual(model.graph.nodes);
    expect([...again.graph.initializers.keys()]).toEqual([...model.graph.initializers.keys()]);
    for (const [name, t] of model.graph.initializers) expect(again.graph.initializers.get(name)!.data).toEqual(t.data);
    expect(await logits(encodeModel(again))).toEqual(await logits(CNN));
  });

  it('writes and reads external data (large tensors in a side file)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lrp-io-'));
    const file = path.join(dir, 'm.onnx');
    const model = loadModelFile(CNN);
    writeModelWithExternalData(model, file);
    expect(fs.statSync(file).size).toBeLessThan(20_000);
    expect(fs.statSync(`${file}.data`).size).toBeGreaterThan(100_000);
    const back = loadModelFile(file);
    for (const [name, t] of model.graph.initializers) expect(back.graph.initializers.get(name)!.data, name).toEqual(t.data);
    expect(await logits(file)).toEqual(await logits(CNN));
    fs.rmSync(dir, { recursive: true });
  });

  it('infers the shapes of every tensor, with the batch dimension symbolic', () => {
    const shapes = inferShapes(loadModelFile(CNN).graph);
    expect(shapes.get('logits')).toEqual(['batch', 3]);
    expect(shapes.get('/pool1/MaxPool_output_0')).toEqual(['batch', 8, 16, 16]);
    expect(shapes.get('/flatten/Flatten_output_0')).toEqual(['batch', 1024]);
  });
});
