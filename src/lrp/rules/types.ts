/**
 * A linear-layer LRP rule as data. For a layer z = W x + b, a rule is a list of passes; each pass builds a
 * modified pre-activation from terms (an input modifier times a weight modifier, with a sign) plus a modified
 * bias, and sends back
 *
 *   R_in += coefficient · Σ_terms sign · x_mod ⊙ W_modᵀ( mask · R / stab(z_pass) )
 *
 * with stab(z) = z + ε·s(z), s(z) = +1 where z ≥ 0 else −1 (zennit's Stabilizer). This is exactly zennit's
 * (input modifier, parameter modifier, output modifier, gradient) scheme; the compiler is the one engine that
 * turns it into ONNX nodes, sharing convolutions between passes.
 */

/** What multiplies the weights: the input, its positive or negative part, or a constant. */
export type InputModifier = 'x' | 'x+' | 'x-' | 'ones' | 'low' | 'high';

/** An element-wise modifier of weights or bias; `id` names it so equal modifiers share one tensor. */
export interface ParamModifier {
  readonly id: string;
  readonly apply: (value: number) => number;
}

export interface Term {
  readonly input: InputModifier;
  readonly weight: ParamModifier;
  readonly sign: 1 | -1;
}

export interface Pass {
  readonly terms: readonly Term[];
  /** Modified bias in the denominator; null when the rule has none (flat, zbox). */
  readonly bias: ParamModifier | null;
  readonly coefficient: number;
  /** Keep only outputs where the layer's unmodified output z is > 0 or < 0 (gamma). */
  readonly mask?: 'positive' | 'negative';
}

export interface LinearRule {
  readonly name: string;
  readonly passes: readonly Pass[];
  readonly stabilizer: number;
  /** Lower and upper input bounds for the `low` / `high` input modifiers (zbox): scalar or per channel. */
  readonly bounds?: { readonly low: number | readonly number[]; readonly high: number | readonly number[] };
  /** The parameters as given, for reports and the explainer's metadata. */
  readonly params: Readonly<Record<string, unknown>>;
}

export const keep: ParamModifier = { id: 'w', apply: (v) => v };
export const positive: ParamModifier = { id: 'w+', apply: (v) => (v > 0 ? v : 0) };
export const negative: ParamModifier = { id: 'w-', apply: (v) => (v < 0 ? v : 0) };
export const ones: ParamModifier = { id: '1', apply: () => 1 };
export const square: ParamModifier = { id: 'w^2', apply: (v) => v * v };
export const plusGammaPositive = (gamma: number): ParamModifier => ({ id: `w+${gamma}w+`, apply: (v) => v + gamma * (v > 0 ? v : 0) });
export const plusGammaNegative = (gamma: number): ParamModifier => ({ id: `w+${gamma}w-`, apply: (v) => v + gamma * (v < 0 ? v : 0) });
