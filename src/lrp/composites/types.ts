import type { RuleParams } from '../rules/index.js';

/** Which linear layers an entry applies to; every given field must match. */
export interface LayerMatch {
  /** ONNX op types after canonization: Gemm (also MatMul), Conv. */
  readonly op?: readonly string[];
  /** Exact node name, or a /regular expression/. */
  readonly name?: string;
  /** First or last among the linear layers that match the entry's other fields. */
  readonly position?: 'first' | 'last';
}

export interface CompositeEntry {
  readonly match: LayerMatch;
  readonly rule: string;
  readonly params: RuleParams;
}

/** A composite: entries tried in order (first match wins), plus the norm rule's stabilizer. */
export interface Composite {
  readonly name: string;
  readonly params: Readonly<Record<string, number | readonly number[]>>;
  readonly entries: readonly CompositeEntry[];
  readonly normEpsilon: number;
}
