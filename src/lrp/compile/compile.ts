/**
 * Compiles a model and a composite into ONE ONNX graph: the canonized forward pass, the output seed and the
 * whole relevance pass. Inputs: the model input and `target` (int64 [batch]); outputs: `logits`, `relevance`
 * (input shape), `targets` and, when the model has a head, `probabilities`. onnxruntime runs it natively; any ONNX runtime
 * can run the exported file.
 */
import { fail } from '../../errors.js';
import type { Graph, Model, Node, ValueInfo } from '../../onnx/ir.js';
import { attrInts, defaultOpset, int64Tensor } from '../../onnx/ir.js';
import type { ShapeMap } from '../../onnx/shapes.js';
import { inferShapes } from '../../onnx/shapes.js';
import { canonize, findHead } from '../canonize/index.js';
import type { HeadKind } from '../canonize/index.js';
import { assignRules, LINEAR_OPS } from '../composites/assign.js';
import type { Composite } from '../composites/types.js';
import { GRADIENT_HANDLERS } from '../../attribution/gradient.js';
import { LAYER_HANDLERS } from '../layers/index.js';
import type { LayerHandler, LayerRelevance } from '../layers/index.js';
import type { LinearRule } from '../rules/index.js';
import { checkSupported } from '../supported.js';
import type { Builder } from '../../onnx/builder.js';
import { attr, createBuilder } from '../../onnx/builder.js';
import type { LinearLayer } from './linear-layer.js';
import { linearLayer } from './linear-layer.js';
import { linearRelevance } from './rule-engine.js';
import type { Sign } from './sign.js';
import { tensorSigns } from './sign.js';
import { positivePartOf, ruleMultipliesInput, vanishingTensors } from './vanishing.js';

export type SeedKind = 'logit' | 'one-hot';

/** `lrp` (default) applies the composite's rules; the gradient methods are there for comparison. */
export type AttributionMethod = 'lrp' | 'gradient' | 'gradient-x-input';

export interface CompileOptions {
  readonly method?: AttributionMethod;
  /** Required for `lrp`. */
  readonly composite?: Composite;
  /** `logit`: the target logit is the relevance to distribute (default); `one-hot`: relevance 1 (zennit). */
  readonly seed?: SeedKind;
  /** Which graph output to explain (default: the first). */
  readonly output?: string;
  /** Named in error messages. */
  readonly source?: string;
  /**
   * `fast` (default): stride-1 transposed convolutions run as convolutions with flipped weights and
   * onnxruntime may re-lay weights out for speed. `low-memory`: every transpose shares the forward weight
   * (ConvTranspose) and layouts stay as stored: about one copy of the weights less, slower.
   */
  readonly profile?: ExplainerProfile;
}

export interface LayerRuleRecord {
  readonly node: string;
  readonly op: string;
  readonly rule: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** Memory/speed profile of the compiled graph (see BENCHMARKS.md for what each costs). */
export type ExplainerProfile = 'fast' | 'low-memory';

/** What a compiled explainer is, without its weights. */
export interface ExplainerInfo {
  readonly method: AttributionMethod;
  readonly input: ValueInfo;
  readonly classes: number;
  readonly head: HeadKind;
  readonly seed: SeedKind;
  readonly composite: { readonly name: string; readonly params: Readonly<Record<string, unknown>> };
  readonly rules: readonly LayerRuleRecord[];
  readonly profile: ExplainerProfile;
}

export interface CompiledExplainer {
  readonly model: Model;
  readonly info: ExplainerInfo;
}

/** The explainer graph's interface: `target` < 0 selects the predicted class; `targets` says which was used. */
export const EXPLAINER_IO = { target: 'target', logits: 'logits', relevance: 'relevance', targets: 'targets', probabilities: 'probabilities' } as const;
const COMPILED_OPSET = 18;

export function compileExplainer(model: Model, options: CompileOptions): CompiledExplainer {
  const source = options.source ?? 'model';
  const seed = options.seed ?? 'logit';
  const profile = options.profile ?? 'fast';
  const method = options.method ?? 'lrp';
  if (method === 'lrp' && !options.composite) fail('LRP needs a composite');
  const composite = method === 'lrp' ? options.composite! : { name: method, params: {}, entries: [], normEpsilon: 0 };
  checkSupported(model, source);
  const graph = reserveNames(canonize(model.graph), Object.values(EXPLAINER_IO));
  const head = findHead(graph, options.output);
  const shapes = inferShapes(graph);
  const input = graph.inputs[0];
  const logitsShape = shapes.get(head.logits);
  if (!logitsShape || logitsShape.length !== 2 || typeof logitsShape[1] !== 'number') {
    fail(`${source}: the explained output must have shape [batch, classes] (got [${logitsShape?.join(', ') ?? '?'}])`);
  }
  const classes = logitsShape[1];
  for (const node of graph.nodes) {
    if (node.opType === 'MatMul') fail(`${source}: node ${node.name} (MatMul) on inputs of rank > 2 is not supported`);
  }
  const linearNodes = graph.nodes.filter((n) => LINEAR_OPS.has(n.opType));
  const originalOps = new Map(model.graph.nodes.map((n) => [n.name, n.opType]));
  const rules = method === 'lrp' ? assignRules(linearNodes, composite, (n) => originalOps.get(n.name) ?? n.opType) : new Map<Node, LinearRule>();

  const b = createBuilder(allNames(graph));
  for (const [name, t] of graph.initializers) b.initializers.set(name, t);
  const indices = emitForward(b, graph, defaultOpset(model));

  // Seed: one-hot of the target at the logits, times the target logit for the logit seed.
  const classIds = b.constant(int64Tensor([1, classes], Array.from({ length: classes }, (_, i) => i)), 'class_ids');
  // A negative target means "the predicted class": one run gives logits, arg-max and relevance.
  const predicted = b.op('ArgMax', [head.logits], { axis: attr.int(1), keepdims: attr.int(0) });
  const target = b.op('Where', [b.op('Less', [EXPLAINER_IO.target, b.constant(int64Tensor([], [0]), 'zero_i64')]), predicted, EXPLAINER_IO.target]);
  const targetColumn = b.op('Unsqueeze', [target, b.ints([1])]);
  const oneHot = b.op('Cast', [b.op('Equal', [targetColumn, classIds])], { to: attr.int(1) });
  const seedRelevance = seed === 'logit' ? b.op('Mul', [oneHot, head.logits]) : oneHot;

  const scheme = method === 'lrp' ? lrpScheme(rules, composite.normEpsilon) : GRADIENT_SCHEME;
  const propagated = emitRelevancePass(b, graph, shapes, scheme, indices, head.logits, { value: seedRelevance, vanishesWithLogits: seed === 'logit' }, profile);
  if (!propagated) fail(`${source}: the output ${head.output} does not depend on the input ${input.name}`);
  const inputRelevance = method === 'gradient-x-input' ? b.op('Mul', [propagated, input.name]) : propagated;

  const batch = input.shape?.[0] ?? 'batch';
  const outputs: ValueInfo[] = [
    { name: EXPLAINER_IO.logits, dtype: 'float32', shape: [batch, classes] },
    { name: EXPLAINER_IO.relevance, dtype: 'float32', shape: input.shape },
  ];
  b.node('Identity', [head.logits], {}, [EXPLAINER_IO.logits]);
  b.node('Identity', [inputRelevance], {}, [EXPLAINER_IO.relevance]);
  b.node('Identity', [target], {}, [EXPLAINER_IO.targets]);
  outputs.push({ name: EXPLAINER_IO.targets, dtype: 'int64', shape: [batch] });
  if (head.node) {
    b.node('Identity', [head.output], {}, [EXPLAINER_IO.probabilities]);
    outputs.push({ name: EXPLAINER_IO.probabilities, dtype: 'float32', shape: [batch, classes] });
  }

  const ruleRecords = linearNodes.map((n) => {
    const rule = rules.get(n);
    return { node: n.name, op: originalOps.get(n.name) ?? n.opType, rule: rule?.name ?? 'gradient', params: rule?.params ?? {} };
  });
  const compiledGraph: Graph = withoutUnusedNodes({
    name: `${graph.name}_lrp`,
    inputs: [input, { name: EXPLAINER_IO.target, dtype: 'int64', shape: [batch] }],
    outputs,
    initializers: b.initializers,
    nodes: b.nodes,
  });
  return {
    model: {
      irVersion: Math.max(model.irVersion, 8),
      opsetImports: [{ domain: '', version: Math.max(defaultOpset(model), COMPILED_OPSET) }],
      producerName: 'lrp-report',
      producerVersion: '0.1.0',
      graph: compiledGraph,
      metadata: {
        'lrp.method': method,
        'lrp.composite': JSON.stringify({ name: composite.name, params: composite.params }),
        'lrp.seed': seed,
        'lrp.head': head.kind,
        'lrp.profile': profile,
        'lrp.rules': JSON.stringify(ruleRecords),
        'lrp.source_producer': `${model.producerName} ${model.producerVersion}`.trim(),
      },
    },
    info: { method, input, classes, head: head.kind, seed, composite: { name: composite.name, params: composite.params }, rules: ruleRecords, profile },
  };
}

/** Copies the canonized forward nodes; MaxPool also emits arg-max indices; opset < 13 axes become inputs. */
function emitForward(b: Builder, graph: Graph, opset: number): Map<Node, string> {
  const indices = new Map<Node, string>();
  for (const node of graph.nodes) {
    if (node.opType === 'MaxPool') {
      const idx = node.outputs[1] || b.fresh(`${node.name}/indices`);
      indices.set(node, idx);
      b.nodes.push({ ...node, outputs: [node.outputs[0], idx] });
    } else if ((node.opType === 'Squeeze' || node.opType === 'Unsqueeze') && opset < 13 && attrInts(node, 'axes')) {
      const attributes = Object.fromEntries(Object.entries(node.attributes).filter(([name]) => name !== 'axes'));
      b.nodes.push({ ...node, inputs: [node.inputs[0], b.ints(attrInts(node, 'axes')!)], attributes });
    } else {
      b.nodes.push(node);
    }
  }
  return indices;
}

/** How relevance crosses each layer: linear layers by rule (or Wᵀ for the gradient), others by op type. */
interface PropagationScheme {
  /** `positivePart`: relu(z), which may stand in for z in a stabilizer (see vanishing.ts). */
  readonly linear: (b: Builder, layer: LinearLayer, relevance: string, inputSign: Sign, positivePart: string | undefined) => string;
  readonly handlers: Readonly<Record<string, LayerHandler>>;
  readonly normEpsilon: number;
  /** LRP only: whether a linear node's rule sends x ⊙ (…) back (stabilizers exist only in LRP). */
  readonly multipliesInput?: (node: Node) => boolean;
}

function lrpScheme(rules: Map<Node, LinearRule>, normEpsilon: number): PropagationScheme {
  return {
    linear: (b, layer, relevance, inputSign, positivePart) => {
      const node = layer.node;
      return linearRelevance(b, { layer, rule: rules.get(node)!, x: node.inputs[0], weightName: node.inputs[1], z: node.outputs[0], relevance, inputSign, positivePart });
    },
    handlers: LAYER_HANDLERS,
    normEpsilon,
    multipliesInput: (node) => ruleMultipliesInput(rules.get(node)!),
  };
}

const GRADIENT_SCHEME: PropagationScheme = {
  linear: (b, layer, relevance) => layer.transpose(b, relevance, { name: layer.node.inputs[1], tensor: layer.weight, key: `${layer.node.name}:W:w` }),
  handlers: GRADIENT_HANDLERS,
  normEpsilon: 0,
};

function emitRelevancePass(
  b: Builder,
  graph: Graph,
  shapes: ShapeMap,
  scheme: PropagationScheme,
  indices: Map<Node, string>,
  logits: string,
  seed: { readonly value: string; readonly vanishesWithLogits: boolean },
  profile: ExplainerProfile,
): string | undefined {
  const contributions = new Map<string, string[]>([[logits, [seed.value]]]);
  const total = (name: string): string | undefined => {
    const parts = contributions.get(name);
    if (!parts) return undefined;
    return parts.length === 1 ? parts[0] : b.op('Sum', parts);
  };
  const signs = tensorSigns(graph);
  const consumers = new Map<string, Node[]>();
  for (const n of graph.nodes) {
    for (const input of n.inputs) {
      const list = consumers.get(input);
      if (list) list.push(n);
      else consumers.set(input, [n]);
    }
  }
  const vanishing = scheme.multipliesInput ? vanishingTensors(graph, logits, seed.vanishesWithLogits, scheme.multipliesInput) : new Set<string>();
  // (The seed enters at the logits themselves, not through a Relu.)
  const positivePart = (z: string) => (z === logits ? undefined : positivePartOf(graph, consumers, vanishing, z));
  const logitsProducer = graph.nodes.findIndex((n) => n.outputs.includes(logits));
  for (let i = logitsProducer; i >= 0; i--) {
    const node = graph.nodes[i];
    const relevance = total(node.outputs[0]);
    if (!relevance) continue;
    let sent: LayerRelevance;
    if (LINEAR_OPS.has(node.opType)) {
      const layer = linearLayer(node, graph.initializers, shapes, profile === 'fast');
      sent = [[node.inputs[0], scheme.linear(b, layer, relevance, signs.get(node.inputs[0]) ?? 'any', positivePart(node.outputs[0]))]];
    } else {
      const handler = scheme.handlers[node.opType];
      if (!handler) fail(`node ${node.name} (${node.opType}) cannot pass relevance`);
      sent = handler({ b, node, shapes, initializers: graph.initializers, relevance, normEpsilon: scheme.normEpsilon, indices: indices.get(node), positivePart: positivePart(node.outputs[0]) });
    }
    for (const [tensor, r] of sent) {
      if (graph.initializers.has(tensor)) continue;
      const list = contributions.get(tensor) ?? [];
      list.push(r);
      contributions.set(tensor, list);
    }
  }
  return total(graph.inputs[0].name);
}

/**
 * Drops nodes (and initializers) nothing needs for the outputs: model branches the explainer does not output,
 * and products a rule made redundant (rule-engine.ts relevanceFactor). Nodes are in topological order.
 */
function withoutUnusedNodes(graph: Graph): Graph {
  const needed = new Set(graph.outputs.map((o) => o.name));
  const kept: Node[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i];
    if (!n.outputs.some((o) => needed.has(o))) continue;
    kept.push(n);
    for (const input of n.inputs) needed.add(input);
  }
  return { ...graph, nodes: kept.reverse(), initializers: new Map([...graph.initializers].filter(([name]) => needed.has(name))) };
}

function allNames(graph: Graph): Set<string> {
  const names = new Set<string>(graph.initializers.keys());
  for (const v of graph.inputs) names.add(v.name);
  // Node names share the builder's namespace: fresh names must not clash with either.
  for (const n of graph.nodes) for (const t of [n.name, ...n.inputs, ...n.outputs]) names.add(t);
  for (const v of graph.outputs) names.add(v.name);
  return names;
}

/** Renames model tensors that would clash with the explainer's own input/output names. */
function reserveNames(graph: Graph, reserved: readonly string[]): Graph {
  const taken = allNames(graph);
  const clashes = reserved.filter((r) => taken.has(r));
  if (clashes.length === 0) return graph;
  const rename = (t: string) => (clashes.includes(t) ? `model/${t}` : t);
  return {
    ...graph,
    inputs: graph.inputs.map((v) => ({ ...v, name: rename(v.name) })),
    outputs: graph.outputs.map((v) => ({ ...v, name: rename(v.name) })),
    initializers: new Map([...graph.initializers].map(([k, v]) => [rename(k), v])),
    nodes: graph.nodes.map((n) => ({ ...n, inputs: n.inputs.map(rename), outputs: n.outputs.map(rename) })),
  };
}
