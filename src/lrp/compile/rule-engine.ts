/**
 * The one engine that executes every linear-layer rule (see rules/types.ts) as ONNX nodes. Work is shared:
 *  - a pass whose terms contain the unmodified x·W reuses the layer's forward output (epsilon costs one
 *    transposed op; zbox subtracts a constant);
 *  - terms on a provably non-negative input drop their x⁻ part (after a Relu, zplus is one extra forward);
 *  - all weights applied to the same input are stacked along the output axis into ONE forward op, and all
 *    transposed products multiplied by the same input into ONE transposed op (Σ_t W_tᵀ s_t = [W_1;…]ᵀ[s_1;…]);
 *  - modified weights are shared between the forward and the transposed op.
 */
import { float32Tensor, floatValues } from '../../onnx/ir.js';
import type { InputModifier, LinearRule, ParamModifier, Pass, Term } from '../rules/types.js';
import type { Builder } from '../../onnx/builder.js';
import { attr } from '../../onnx/builder.js';
import type { LayerWeight, LinearLayer } from './linear-layer.js';
import { modifyTensor, stackTensors } from './linear-layer.js';
import type { Sign } from './sign.js';
import { stabilized } from './stabilizer.js';

export interface LinearRelevanceRequest {
  readonly layer: LinearLayer;
  readonly rule: LinearRule;
  /** Names of the layer's input, weight, bias and forward output z = W x + b. */
  readonly x: string;
  readonly weightName: string;
  readonly z: string;
  /** Relevance arriving at the output. */
  readonly relevance: string;
  readonly inputSign: Sign;
  /** relu(z), when it may stand in for z in the stabilizer (vanishing.ts). */
  readonly positivePart?: string;
}

interface Product {
  readonly input: InputModifier;
  readonly weight: ParamModifier;
  /** Passes using this product. */
  readonly passes: Set<number>;
  value?: string;
  biasEmbedded?: boolean;
}

export function linearRelevance(b: Builder, req: LinearRelevanceRequest): string {
  const { layer, rule } = req;
  const passes = rule.passes.map((p) => ({ ...p, terms: p.terms.flatMap((t) => mapTerm(t, req.inputSign)) }));
  const channels = layer.weight.dims[0];
  const biasShape = layer.kind === 'conv' ? [channels, ...layer.weight.dims.slice(2).map(() => 1)] : [channels];
  const name = layer.node.name;

  const weightFor = (mods: readonly ParamModifier[]): LayerWeight => {
    if (mods.length === 1 && mods[0].id === 'w') return { name: req.weightName, tensor: layer.weight, key: `${name}:W:w` };
    const ids = mods.map((m) => m.id).join('|');
    const key = `${name}:W:${ids}`;
    const tensor = stackTensors(mods.map((m) => modifyTensor(layer.weight, m.apply)));
    return { name: b.constant(tensor, `${name}/W[${ids}]`, key), tensor, key };
  };
  const biasValues = (mod: ParamModifier | null): Float32Array => (mod ? floatValues(modifyTensor(layer.bias, mod.apply)) : new Float32Array(channels));
  const inputValue = memo((input: InputModifier): string => {
    switch (input) {
      case 'x': return req.x;
      case 'x+': return b.op('Relu', [req.x]);
      case 'x-': return b.op('Min', [req.x, b.scalar(0)]);
      case 'ones': return b.constant(layer.constantInput(1), `${name}/ones`);
      case 'low': return b.constant(layer.constantInput(rule.bounds?.low ?? 0), `${name}/low`);
      case 'high': return b.constant(layer.constantInput(rule.bounds?.high ?? 0), `${name}/high`);
    }
  });

  // Which passes start from the forward output (they contain the unmodified x·W term).
  const reusesForward = passes.map((p) => p.terms.some(isForwardTerm));
  // Where every term of z_p has one known sign, stab(z_p) = z_p ± ε: the stabilizer becomes part of the
  // bias and costs nothing. (If such a z_p is exactly 0, all its terms are 0 and so is what it sends back,
  // whatever the sign of ε.)
  const shift = passes.map((p, i) => {
    const sign = reusesForward[i] ? 'any' : passSign(p, req.inputSign);
    return sign === 'nonneg' ? rule.stabilizer : sign === 'nonpos' ? -rule.stabilizer : 0;
  });
  const passBias = (i: number): Float32Array => {
    const values = biasValues(passes[i].bias);
    if (shift[i] !== 0) for (let c = 0; c < values.length; c++) values[c] += shift[i];
    return values;
  };
  const products = new Map<string, Product>();
  passes.forEach((p, i) => {
    for (const t of p.terms) {
      if (reusesForward[i] && isForwardTerm(t)) continue;
      const key = `${t.input}:${t.weight.id}`;
      const product = products.get(key) ?? { input: t.input, weight: t.weight, passes: new Set<number>() };
      product.passes.add(i);
      products.set(key, product);
    }
  });

  // Embed each pass's bias into one product that only it uses (saves an Add per pass).
  const biasEmbeddedIn = passes.map((p, i) => {
    if (reusesForward[i] || (!p.bias && shift[i] === 0)) return null;
    const owner = [...products.values()].find((pr) => pr.passes.size === 1 && pr.passes.has(i) && !pr.biasEmbedded);
    if (owner) owner.biasEmbedded = true;
    return owner ?? null;
  });

  // Forward products, one op per input modifier when the layer allows stacking.
  for (const group of groupBy([...products.values()], (p) => p.input)) {
    const x = inputValue(group[0].input);
    const biasOf = (p: Product): Float32Array => {
      if (!p.biasEmbedded) return new Float32Array(channels);
      return passBias([...p.passes][0]);
    };
    if (layer.stackable && group.length > 1) {
      const w = weightFor(group.map((p) => p.weight)).name;
      const hasBias = group.some((p) => p.biasEmbedded);
      const bias = hasBias ? b.constant(stackTensors(group.map((p) => float32Tensor([channels], biasOf(p)))), `${name}/b_stacked`) : undefined;
      const stacked = layer.forward(b, x, w, bias);
      const parts = b.node('Split', [stacked, b.ints(group.map(() => channels))], { axis: attr.int(1) }, group.length);
      group.forEach((p, i) => (p.value = parts[i]));
    } else {
      for (const p of group) {
        const bias = p.biasEmbedded ? b.constant(float32Tensor([channels], biasOf(p)), `${name}/b[${p.weight.id}]`) : undefined;
        p.value = layer.forward(b, x, weightFor([p.weight]).name, bias);
      }
    }
  }

  // Each pass: z_p, then s_p = coefficient · mask · R / stab(z_p).
  const scaled = passes.map((p, i) => {
    const parts: { value: string; sign: 1 | -1 }[] = [];
    if (reusesForward[i]) parts.push({ value: req.z, sign: 1 });
    for (const t of p.terms) {
      if (reusesForward[i] && isForwardTerm(t)) continue;
      parts.push({ value: products.get(`${t.input}:${t.weight.id}`)!.value!, sign: t.sign });
    }
    let z = sumSigned(b, parts);
    const bias = biasEmbeddedIn[i] ? null : remainingBias(passBias(i), reusesForward[i], floatValues(layer.bias));
    if (bias) z = b.op('Add', [z, b.constant(float32Tensor(biasShape, bias), `${name}/bias_term`)]);
    // relu(z) stands in for z only where this pass's z is the layer's own output.
    const positivePart = z === req.z ? req.positivePart : undefined;
    if (z === req.z && shift[i] === 0 && !positivePart && passes.length === 1 && rule.stabilizer > 0) {
      const q = relevanceFactor(b, req);
      if (q) return scaledProportional(b, p, z, q, req, rule.stabilizer);
    }
    return scaledRelevance(b, p, z, req, shift[i] === 0 ? rule.stabilizer : null, positivePart);
  });

  // Transposed products grouped by input modifier, each group one transposed op.
  const contributions: string[] = [];
  const termsByInput = groupBy(passes.flatMap((p, i) => p.terms.map((t) => ({ t, i }))), (e) => e.t.input);
  for (const group of termsByInput) {
    const byWeight = groupBy(group, (e) => e.t.weight.id).map((entries) => ({
      weight: entries[0].t.weight,
      s: sumSigned(b, entries.map((e) => ({ value: scaled[e.i], sign: e.t.sign }))),
    }));
    let gradient: string;
    if (layer.stackable && byWeight.length > 1) {
      const s = b.op('Concat', byWeight.map((e) => e.s), { axis: attr.int(1) });
      gradient = layer.transpose(b, s, weightFor(byWeight.map((e) => e.weight)));
    } else {
      gradient = sumSigned(b, byWeight.map((e) => ({ value: layer.transpose(b, e.s, weightFor([e.weight])), sign: 1 as const })));
    }
    const input = group[0].t.input;
    contributions.push(input === 'ones' ? gradient : b.op('Mul', [inputValue(input), gradient]));
  }
  return sumSigned(b, contributions.map((value) => ({ value, sign: 1 as const })));
}

/** On a provably non-negative (non-positive) input, x⁺ is x (x⁻ is x) and the other part is zero. */
function mapTerm(t: Term, sign: Sign): Term[] {
  if (sign === 'nonneg') return t.input === 'x-' ? [] : t.input === 'x+' ? [{ ...t, input: 'x' }] : [t];
  if (sign === 'nonpos') return t.input === 'x+' ? [] : t.input === 'x-' ? [{ ...t, input: 'x' }] : [t];
  return [t];
}

function isForwardTerm(t: Term): boolean {
  return t.input === 'x' && t.weight.id === 'w' && t.sign === 1;
}

/** The bias still to add to z_p: b_p, minus b when z_p started from the forward output (which holds b). */
function remainingBias(bias: Float32Array, reuses: boolean, original: Float32Array): Float32Array | null {
  if (reuses) for (let i = 0; i < bias.length; i++) bias[i] -= original[i];
  return bias.some((v) => v !== 0) ? bias : null;
}

type Sign3 = Sign | 'zero';
const INPUT_SIGN: Record<InputModifier, Sign | null> = { x: null, 'x+': 'nonneg', 'x-': 'nonpos', ones: 'nonneg', low: 'any', high: 'any' };
const PARAM_SIGN: Record<string, Sign> = { 'w+': 'nonneg', 'w-': 'nonpos', '1': 'nonneg', 'w^2': 'nonneg' };

function signProduct(a: Sign3, c: Sign3): Sign3 {
  if (a === 'zero' || c === 'zero') return 'zero';
  if (a === 'any' || c === 'any') return 'any';
  return a === c ? 'nonneg' : 'nonpos';
}

/** The sign every term (and the bias) of a pass's z shares, if any. */
function passSign(p: Pass, inputSign: Sign): Sign {
  const signs: Sign3[] = p.terms.map((t) => signProduct(signProduct(INPUT_SIGN[t.input] ?? inputSign, PARAM_SIGN[t.weight.id] ?? 'any'), t.sign === 1 ? 'nonneg' : 'nonpos'));
  signs.push(p.bias ? PARAM_SIGN[p.bias.id] ?? 'any' : 'zero');
  const known = signs.filter((s) => s !== 'zero');
  if (known.length === 0) return 'nonneg';
  return known.every((s) => s === known[0]) ? (known[0] as Sign) : 'any';
}

/** s = coefficient · mask · R / stab(z); `epsilon` null when the stabilizer is already in z. */
function scaledRelevance(b: Builder, p: Pass, z: string, req: LinearRelevanceRequest, epsilon: number | null, positivePart: string | undefined): string {
  const denominator = epsilon === null ? z : stabilized(b, z, epsilon, positivePart);
  let s = b.op('Div', [req.relevance, denominator]);
  if (p.coefficient !== 1) s = b.op('Mul', [s, b.scalar(p.coefficient)]);
  if (p.mask) s = b.op('Where', [b.op(p.mask === 'positive' ? 'Greater' : 'Less', [req.z, b.scalar(0)]), s, b.scalar(0)]);
  return s;
}

/**
 * Where the relevance at z is z ⊙ q (what the norm rule of a residual Add sends each branch), R / stab(z) is
 * q ⊙ |z| / (|z| + ε): z = s(z)·|z| and stab(z) = s(z)·(|z| + ε). No sign select; the product z ⊙ q, read by
 * nothing else then, is dropped with the graph's other unused nodes (compile.ts). Returns q when req.relevance
 * is such a product.
 */
function relevanceFactor(b: Builder, req: LinearRelevanceRequest): string | undefined {
  const product = b.nodes.find((n) => n.outputs[0] === req.relevance);
  if (!product || product.opType !== 'Mul' || !product.inputs.includes(req.z)) return undefined;
  const q = product.inputs[0] === req.z ? product.inputs[1] : product.inputs[0];
  return q === req.z ? undefined : q;
}

function scaledProportional(b: Builder, p: Pass, z: string, q: string, req: LinearRelevanceRequest, epsilon: number): string {
  const magnitude = b.op('Abs', [z]);
  let s = b.op('Mul', [q, b.op('Div', [magnitude, b.op('Add', [magnitude, b.scalar(epsilon)])])]);
  if (p.coefficient !== 1) s = b.op('Mul', [s, b.scalar(p.coefficient)]);
  if (p.mask) s = b.op('Where', [b.op(p.mask === 'positive' ? 'Greater' : 'Less', [req.z, b.scalar(0)]), s, b.scalar(0)]);
  return s;
}

function sumSigned(b: Builder, parts: readonly { value: string; sign: 1 | -1 }[]): string {
  const first = parts.findIndex((p) => p.sign === 1);
  let acc = first >= 0 ? parts[first].value : b.op('Neg', [parts[0].value]);
  parts.forEach((p, i) => {
    if (i === (first >= 0 ? first : 0)) return;
    acc = b.op(p.sign === 1 ? 'Add' : 'Sub', [acc, p.value]);
  });
  return acc;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): T[][] {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}

function memo<K, V>(f: (k: K) => V): (k: K) => V {
  const cache = new Map<K, V>();
  return (k) => {
    if (!cache.has(k)) cache.set(k, f(k));
    return cache.get(k)!;
  };
}

