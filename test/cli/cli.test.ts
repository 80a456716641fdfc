/**
 * The CLI as a user runs it (the built dist/ entry point): explain, compile, bench, and every bad input the
 * issue names → a one-line error, a non-zero exit and no output file.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';
import { encodeNpy, parseNpy } from '../../src/io/npy.js';
import { attr, createBuilder } from '../../src/onnx/builder.js';
import { float32Tensor } from '../../src/onnx/ir.js';
import { encodeModel } from '../../src/onnx/save.js';
import { packagePath } from '../../src/paths.js';
import { FIXTURES, readF32 } from '../helpers/fixtures.js';

const CLI = packagePath('dist', 'src', 'cli', 'main.js');
const MODEL = path.join(FIXTURES, 'cnn', 'model.onnx');
let dir: string;
let inputNpy: string;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Asserts the documented failure shape: exit ≠ 0, one stderr line matching `pattern`, no output file. */
function expectCleanFailure(r: ReturnType<typeof run>, pattern: RegExp, outputs: string[] = []) {
  expect(r.code, r.stderr).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^lrp-report: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  for (const o of outputs) expect(fs.existsSync(path.join(dir, o)), `${o} must not exist`).toBe(false);
  expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
}

beforeAll(() => {
  expect(fs.existsSync(CLI), 'run `npm run build` (npm test does) before the CLI tests').toBe(true);
  dir = tempDir('lrp-cli-');
  inputNpy = path.join(dir, 'x.npy');
  fs.writeFileSync(inputNpy, encodeNpy(readF32(path.join(FIXTURES, 'cnn', 'input.f32')), [3, 3, 32, 32]));
});

describe('explain', () => {
  it('says which --param values change nothing for the model (zbox on a model without a convolution)', () => {
    const r = run('compile', '--model', path.join(FIXTURES, 'mlp', 'model.onnx'), '--composite', 'epsilon-gamma-box', '--param', 'low=-3', '--param', 'high=3', '--param', 'epsilon=0.01', '-o', 'mlp-explainer.onnx');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("compile: note: --param low, high change nothing for this model: no layer's rule uses them (its rules: epsilon on 3 layers)\n");
  });

  it('writes relevance as float32 .npy, a heatmap and JSON with logits, targets and conservation', () => {
    const r = run('explain', '--model', MODEL, '--input', inputNpy, '--composite', 'epsilon-gamma-box', '--param', 'low=-3', '--param', 'high=3', '--seed', 'one-hot', '--out', 'r.npy', '--heatmap', 'h.png', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(''); // the CNN's first convolution takes zbox(low, high)
    const json = JSON.parse(r.stdout);
    expect(json.targets).toEqual([1, 1, 1]);
    expect(json.logits).toHaveLength(3);
    expect(json.seed).toBe('one-hot');
    const relevance = parseNpy(fs.readFileSync(path.join(dir, 'r.npy')), 'r.npy');
    expect(relevance.dims).toEqual([3, 3, 32, 32]);
    json.conservation.forEach((c: { seed: number; sum: number; residual: number }, n: number) => {
      const per = relevance.data.length / 3;
      const sum = relevance.data.subarray(n * per, (n + 1) * per).reduce((a, v) => a + v, 0);
      expect(c.sum).toBeCloseTo(sum, 4);
      expect(c.residual).toBeCloseTo(c.seed - c.sum, 6);
    });
    expect(fs.readFileSync(path.join(dir, 'h.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('accepts a composite YAML file and a given target', () => {
    fs.writeFileSync(path.join(dir, 'c.yaml'), 'extends: epsilon-plus\nrules:\n  - match: {op: Gemm, position: last}\n    rule: epsilon\n    epsilon: 0.01\n');
    const r = run('explain', '--model', MODEL, '--input', inputNpy, '--composite', 'c.yaml', '--target', '2', '--out', 'r2.npy', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).targets).toEqual([2, 2, 2]);
  });
});

describe('explain --method', () => {
  it('computes gradient × input matching zennit (composite=None) and refuses LRP-only flags', () => {
    const r = run('explain', '--model', MODEL, '--input', inputNpy, '--method', 'gradient-x-input', '--seed', 'one-hot', '--out', 'gxi.npy', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).method).toBe('gradient-x-input');
    const ours = parseNpy(fs.readFileSync(path.join(dir, 'gxi.npy')), 'gxi.npy').data;
    const b = fs.readFileSync(path.join(FIXTURES, 'cnn', 'relevance_gradient_x_input.f64'));
    const ref = new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    let maxDiff = 0;
    let maxRef = 0;
    ref.forEach((v, i) => {
      maxDiff = Math.max(maxDiff, Math.abs(ours[i] - v));
      maxRef = Math.max(maxRef, Math.abs(v));
    });
    expect(maxDiff / maxRef).toBeLessThan(1e-5);
    expectCleanFailure(run('explain', '--model', MODEL, '--input', inputNpy, '--method', 'gradient', '--composite', 'epsilon-plus', '--out', 'bad.npy'), /--composite and --param apply to LRP only/, ['bad.npy']);
    expectCleanFailure(run('explain', '--model', MODEL, '--input', inputNpy, '--out', 'bad.npy'), /--composite is required for LRP/, ['bad.npy']);
  });
});

describe('compile', () => {
  it('writes a standalone explainer that a fresh onnxruntime session runs to the same result as explain', async () => {
    const c = run('compile', '--model', MODEL, '--composite', 'epsilon-plus-flat', '-o', 'explainer.onnx');
    expect(c.code, c.stderr).toBe(0);
    const e = run('explain', '--model', MODEL, '--input', inputNpy, '--composite', 'epsilon-plus-flat', '--out', 'r3.npy', '--json');
    expect(e.code, e.stderr).toBe(0);
    const viaExplain = parseNpy(fs.readFileSync(path.join(dir, 'r3.npy')), 'r3.npy').data;
    const session = await ort.InferenceSession.create(path.join(dir, 'explainer.onnx'));
    const x = readF32(path.join(FIXTURES, 'cnn', 'input.f32'));
    const out = await session.run({ input: new ort.Tensor('float32', x, [3, 3, 32, 32]), target: new ort.Tensor('int64', BigInt64Array.from([-1n, -1n, -1n]), [3]) });
    await session.release();
    const standalone = out.relevance.data as Float32Array;
    expect(standalone.length).toBe(viaExplain.length);
    let maxDiff = 0;
    for (let i = 0; i < standalone.length; i++) maxDiff = Math.max(maxDiff, Math.abs(standalone[i] - viaExplain[i]));
    expect(maxDiff).toBe(0);
    expect(Array.from(out.targets.data as BigInt64Array, Number)).toEqual(JSON.parse(e.stdout).targets);
  });
});

describe('bench', () => {
  it('reports median times, their ratio and peak RSS as JSON', () => {
    const r = run('bench', '--model', MODEL, '--composite', 'epsilon-plus-flat', '--runs', '3', '--json');
    expect(r.code, r.stderr).toBe(0);
    const b = JSON.parse(r.stdout);
    expect(b.inferenceMs).toBeGreaterThan(0);
    expect(b.ratio).toBeCloseTo(b.explainMs / b.inferenceMs, 6);
    expect(b.explainPeakRssMb).toBeGreaterThan(10);
    expect(b.compilePeakRssMb).toBeGreaterThan(10);
  });
});

describe('bad input: one line, non-zero exit, nothing written', () => {
  const explainArgs = (model: string, input: string, ...extra: string[]) => ['explain', '--model', model, '--input', input, '--composite', 'epsilon-plus-flat', '--out', 'bad.npy', ...extra];

  it('an unsupported op names the op, the node and the supported list before anything runs', () => {
    const b = createBuilder(['x'], 'm');
    const h = b.op('Gemm', ['x', b.constant(float32Tensor([4, 3], new Float32Array(12).fill(0.1)), 'w')], { transB: attr.int(1) });
    b.node('Mul', [h, h], {}, ['y']);
    const model = { irVersion: 8, opsetImports: [{ domain: '', version: 17 }], producerName: 't', producerVersion: '', metadata: {}, graph: { name: 'g', inputs: [{ name: 'x', dtype: 'float32' as const, shape: ['N', 3] }], outputs: [{ name: 'y', dtype: 'float32' as const, shape: ['N', 4] }], initializers: b.initializers, nodes: b.nodes } };
    fs.writeFileSync(path.join(dir, 'mul.onnx'), encodeModel(model));
    fs.writeFileSync(path.join(dir, 'x3.npy'), encodeNpy(new Float32Array(6), [2, 3]));
    expectCleanFailure(run(...explainArgs('mul.onnx', 'x3.npy')), /unsupported op Mul at node m\/Mul_node.*supported ops: Gemm, MatMul, Conv/, ['bad.npy']);
  });

  it('a corrupt or truncated ONNX file', () => {
    fs.writeFileSync(path.join(dir, 'corrupt.onnx'), Buffer.from('this is not a protobuf at all, just text'));
    expectCleanFailure(run(...explainArgs('corrupt.onnx', inputNpy)), /corrupt\.onnx is not a valid ONNX file/, ['bad.npy']);
    const bytes = fs.readFileSync(MODEL);
    fs.writeFileSync(path.join(dir, 'truncated.onnx'), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    expectCleanFailure(run(...explainArgs('truncated.onnx', inputNpy)), /truncated\.onnx is not a valid ONNX file/, ['bad.npy']);
    expectCleanFailure(run(...explainArgs('missing.onnx', inputNpy)), /cannot read model missing\.onnx: no such file \(ENOENT\)/, ['bad.npy']);
  });

  it('a wrong input shape or dtype, NaN or Inf', () => {
    fs.writeFileSync(path.join(dir, 'shape.npy'), encodeNpy(new Float32Array(3 * 32 * 32), [1, 3, 32, 32].slice(1)));
    expectCleanFailure(run(...explainArgs(MODEL, 'shape.npy')), /input has shape \[3, 32, 32\], model input input expects \[batch, 3, 32, 32\]/, ['bad.npy']);
    fs.writeFileSync(path.join(dir, 'channels.npy'), encodeNpy(new Float32Array(4 * 32 * 32), [1, 4, 32, 32]));
    expectCleanFailure(run(...explainArgs(MODEL, 'channels.npy')), /expects \[batch, 3, 32, 32\] \(dimension 1\)/, ['bad.npy']);
    const f64 = encodeNpy(new Float32Array(2 * 3 * 32 * 32), [1, 3, 32, 32]);
    fs.writeFileSync(path.join(dir, 'f64.npy'), Buffer.from(f64.toString('latin1').replace("'<f4'", "'<f8'"), 'latin1'));
    expectCleanFailure(run(...explainArgs(MODEL, 'f64.npy')), /dtype <f8, expected float32/, ['bad.npy']);
    for (const [bad, label] of [[Number.NaN, 'NaN'], [Number.POSITIVE_INFINITY, 'Inf']] as const) {
      const data = new Float32Array(3 * 32 * 32);
      data[77] = bad;
      fs.writeFileSync(path.join(dir, 'nan.npy'), encodeNpy(data, [1, 3, 32, 32]));
      expectCleanFailure(run(...explainArgs(MODEL, 'nan.npy')), new RegExp(`input holds ${label} at flat index 77`), ['bad.npy']);
    }
  });

  it('an unknown composite, rule parameter or composite file field', () => {
    expectCleanFailure(run('explain', '--model', MODEL, '--input', inputNpy, '--composite', 'epsilon-magic', '--out', 'bad.npy'), /unknown composite "epsilon-magic"; built-in composites are: epsilon-plus,/, ['bad.npy']);
    expectCleanFailure(run(...explainArgs(MODEL, inputNpy, '--param', 'gama=0.3')), /composite epsilon-plus-flat has no parameter "gama"/, ['bad.npy']);
    expectCleanFailure(run('explain', '--model', MODEL, '--input', inputNpy, '--composite', 'epsilon-gamma-box', '--out', 'bad.npy'), /composite epsilon-gamma-box needs parameter "low"/, ['bad.npy']);
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'extends: epsilon-plus\nrules:\n  - match: {op: Gemm}\n    rule: gamma\n    gamma: 0.25\n    gama: 1\n');
    expectCleanFailure(run('explain', '--model', MODEL, '--input', inputNpy, '--composite', 'bad.yaml', '--out', 'bad.npy'), /bad\.yaml: rules\.0: unknown field "gama"/, ['bad.npy']);
    fs.writeFileSync(path.join(dir, 'bad2.yaml'), 'rules:\n  - match: {op: Dense}\n    rule: epsilon\n');
    expectCleanFailure(run('explain', '--model', MODEL, '--input', inputNpy, '--composite', 'bad2.yaml', '--out', 'bad.npy'), /bad2\.yaml: rules\.0\.match\.op/, ['bad.npy']);
  });

  it('a target out of range and malformed flags', () => {
    expectCleanFailure(run(...explainArgs(MODEL, inputNpy, '--target', '3')), /target 3 is out of range: the model has classes 0…2/, ['bad.npy']);
    expectCleanFailure(run(...explainArgs(MODEL, inputNpy, '--target', 'first')), /--target first: expected "predicted" or a class index/, ['bad.npy']);
    expectCleanFailure(run(...explainArgs(MODEL, inputNpy, '--seed', 'half')), /--seed half: expected logit or one-hot/, ['bad.npy']);
    expectCleanFailure(run(...explainArgs(MODEL, inputNpy, '--bogus')), /explain: Unknown option '--bogus'/, ['bad.npy']);
    expectCleanFailure(run('explain', '--model', MODEL), /explain: --input is required/);
  });
});

describe('synth', () => {
  it('writes a case file per lesion, which report runs on as it is', () => {
    const synth = run('synth', 'lesions', '--n', '2', '--seed', '2024', '--out', 'syn');
    expect(synth.code, synth.stderr).toBe(0);
    expect(synth.stdout).toContain(`--cases ${path.join('syn', 'cases')}`);
    const cases = fs.readdirSync(path.join(dir, 'syn', 'cases')).sort();
    expect(cases).toHaveLength(2);
    const r = run('report', '--domain', 'dermatology', '--case', path.join('syn', 'cases', cases[0]), '--out', 'syn-out', '--format', 'html', '--json');
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { case: { case_id: string; pixel_spacing_mm: number } };
    const truth = JSON.parse(fs.readFileSync(path.join(dir, 'syn', `${json.case.case_id}.json`), 'utf8')) as { pixel_spacing_mm: number };
    expect(`${json.case.case_id}.yaml`).toBe(cases[0]);
    expect(json.case.pixel_spacing_mm).toBe(truth.pixel_spacing_mm);
  }, 60_000);
});

describe('dispatch', () => {
  it('--out naming a file, not a folder: one line, exit 1, the file untouched', () => {
    fs.writeFileSync(path.join(dir, 'afile'), 'keep');
    const creditCase = packagePath('domains', 'credit', 'demo', 'app-1001-refused.yaml');
    for (const args of [['report', '--domain', 'credit', '--case', creditCase], ['batch', '--domain', 'credit', '--cases', creditCase], ['audit', 'keygen'], ['demo'], ['synth', 'lesions', '--n', '1', '--seed', '1']]) {
      expectCleanFailure(run(...args, '--out', 'afile'), new RegExp(`${args[0] === 'audit' ? 'audit keygen' : args[0]}: --out afile is a file, not a folder`));
      expect(fs.readFileSync(path.join(dir, 'afile'), 'utf8')).toBe('keep');
    }
  });


  it('lists every command on --help and refuses an unknown one, prototype names included', () => {
    const help = run('--help');
    expect(help.code).toBe(0);
    const commands = ['report', 'batch', 'audit', 'evaluate', 'explain', 'compile', 'bench', 'demo', 'synth'];
    for (const c of commands) expect(help.stdout).toMatch(new RegExp(`^  ${c} +\\S`, 'm'));
    // Each command's own help gives its usage (and loads it: a command that cannot load fails here).
    for (const c of commands) expect(run(c, '--help').stdout, c).toMatch(new RegExp(`^usage: lrp-report ${c} `));
    const { version } = JSON.parse(fs.readFileSync(packagePath('package.json'), 'utf8')) as { version: string };
    expect(run('--version').stdout).toBe(`lrp-report ${version}\n`);
    expect(run().code).toBe(2);
    for (const name of ['frobnicate', 'toString', '__proto__', 'constructor']) {
      const r = run(name);
      expect(r.code, name).toBe(2);
      // One line, naming the commands.
      expect(r.stderr).toMatch(new RegExp(`^lrp-report: unknown command "${name}"; the commands: report, batch, audit, .*\\n$`));
    }
    // The batch's help says what a CSV loan book holds.
    expect(run('batch', '--help').stdout).toMatch(/columns named as the model card's attributes/);
    // A stray argument, an unknown subcommand, a missing LOG or composite: usage errors, exit 2, one line.
    for (const args of [['report', '--domain', 'credit', 'stray'], ['audit', 'verfy', 'x.log'], ['audit', 'verify', '--key', 'k.pem'], ['explain', '--model', 'm.onnx', '--input', 'x.npy', '--out', 'r.npy'], ['synth', 'lesions', 'extra']]) {
      const r = run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect(run('audit', 'verify', '--key', 'k.pem').stderr).toMatch(/audit verify: expected LOG, got nothing/);
    // A wrong command line exits 2, as usage errors do; a wrong value in a right one exits 1.
    const misspelt = run('batch', '--domain', 'credit', '--formt', 'pdf');
    expect(misspelt.code).toBe(2);
    expect(misspelt.stderr).toBe("lrp-report: error: batch: Unknown option '--formt'\n");
    expect(run('report', '--case', 'x.yaml').code).toBe(2);
    expect(run('batch', '--domain', 'credit', '--cases', 'x.csv', '--out', 'o', '--workers', 'two').code).toBe(1);
  });

  it("a batch's main thread and audit verify load no model runtime, PDF writer, font or template engine", () => {
    // The packages a set of modules loads, ES modules (seen by a resolve hook) and CommonJS ones (require's cache).
    const packagesLoadedBy = (modules: string[]): string[] => {
      const hooks = 'let port; export function initialize(data) { port = data.port; } export async function resolve(specifier, context, next) { const r = await next(specifier, context); port.postMessage(r.url); return r; }';
      const probe = `
        import { createRequire, register } from 'node:module';
        import { MessageChannel } from 'node:worker_threads';
        const { port1, port2 } = new MessageChannel();
        const urls = [];
        port1.on('message', (url) => urls.push(url));
        port1.unref();
        register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}), { data: { port: port2 }, transferList: [port2] });
        for (const m of ${JSON.stringify(modules)}) await import(m);
        await new Promise((done) => setTimeout(done, 200));
        console.log(JSON.stringify([...urls, ...Object.keys(createRequire(import.meta.url).cache)]));`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return [...new Set((JSON.parse(r.stdout) as string[]).filter((u) => u.includes('/node_modules/')).map((u) => u.split('/node_modules/').pop()!.split('/')[0]))];
    };
    const dist = (...parts: string[]) => packagePath('dist', ...parts);
    const heavy = ['onnxruntime-node', 'pdfkit', 'fontkit', 'handlebars', 'sharp'];
    // What the main thread loads before it starts the workers; each of these took it a few hundred milliseconds.
    const light = packagesLoadedBy([dist('src', 'cli', 'batch.js'), dist('src', 'cli', 'audit.js'), dist('domains', 'credit', 'plugin.js'), dist('domains', 'dermatology', 'plugin.js')]);
    for (const p of heavy) expect(light, p).not.toContain(p);
    // A case worker whose documents a render worker renders loads no PDF writer (each thread compiles only its half).
    const caseWorker = packagesLoadedBy([dist('src', 'batch', 'render-channel.js'), dist('src', 'domain', 'run.js'), dist('domains', 'credit', 'session.js')]);
    expect(caseWorker).not.toContain('pdfkit');
    // The probe sees them where they are loaded (so their absence above means something): rendering a case and
    // its PDF, and opening the domains' sessions.
    const full = packagesLoadedBy([dist('src', 'domain', 'run.js'), dist('src', 'report', 'pdf.js'), dist('domains', 'credit', 'session.js'), dist('domains', 'dermatology', 'session.js')]);
    for (const p of heavy) expect(full, p).toContain(p);
  });
});
