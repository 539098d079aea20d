import { erf, erfc } from "./erf.js";

export { erf, erfc } from "./erf.js";

/** Names of the activation functions netsize knows. */
export type ActivationName =
  | "relu" | "leakyrelu" | "abs" | "hardtanh" | "identity"
  | "tanh" | "sigmoid" | "softplus" | "gelu" | "silu" | "mish" | "xtanh" | "x2tanh" | "elu"
  | "hardswish" | "softsign" | "logsigmoid";

/** Parameters some activations take (leaky slope, hard-tanh limits, ELU alpha). */
export interface ActivationParams {
  alpha?: number;
  min?: number;
  max?: number;
}

/** One activation: its scalar function and whether it is piecewise linear (then `breakpoints` lists its kinks). */
export interface ActivationFunction {
  readonly name: ActivationName;
  readonly piecewiseLinear: boolean;
  output(x: number, p: ActivationParams): number;
  /** Kinks of a piecewise-linear activation (ascending); the pieces between them are affine. */
  breakpoints?(p: ActivationParams): number[];
}

/** GELU x·Φ(x), with Φ(x) = erfc(−x/√2)/2 so that it keeps its relative accuracy far left (x ≪ 0). */
function gelu(x: number): number {
  return x < 0 ? 0.5 * x * erfc(-x * Math.SQRT1_2) : 0.5 * x * (1 + erf(x * Math.SQRT1_2));
}

const softplus = (x: number): number => (x > 30 ? x : Math.log1p(Math.exp(x)));

/** The registry: a plain map from name to activation. */
export const activations: Record<ActivationName, ActivationFunction> = {
  relu: { name: "relu", piecewiseLinear: true, output: (x) => (x > 0 ? x : 0), breakpoints: () => [0] },
  leakyrelu: {
    name: "leakyrelu", piecewiseLinear: true,
    output: (x, p) => (x > 0 ? x : (p.alpha ?? 0.01) * x), breakpoints: () => [0],
  },
  abs: { name: "abs", piecewiseLinear: true, output: (x) => Math.abs(x), breakpoints: () => [0] },
  hardtanh: {
    name: "hardtanh", piecewiseLinear: true,
    output: (x, p) => Math.min(p.max ?? 1, Math.max(p.min ?? -1, x)),
    breakpoints: (p) => [p.min ?? -1, p.max ?? 1],
  },
  identity: { name: "identity", piecewiseLinear: true, output: (x) => x, breakpoints: () => [] },
  tanh: { name: "tanh", piecewiseLinear: false, output: (x) => Math.tanh(x) },
  sigmoid: { name: "sigmoid", piecewiseLinear: false, output: (x) => 1 / (1 + Math.exp(-x)) },
  softplus: { name: "softplus", piecewiseLinear: false, output: softplus },
  gelu: { name: "gelu", piecewiseLinear: false, output: gelu },
  silu: { name: "silu", piecewiseLinear: false, output: (x) => x / (1 + Math.exp(-x)) },
  mish: { name: "mish", piecewiseLinear: false, output: (x) => x * Math.tanh(softplus(x)) },
  xtanh: { name: "xtanh", piecewiseLinear: false, output: (x) => x * Math.tanh(x) },
  x2tanh: { name: "x2tanh", piecewiseLinear: false, output: (x) => x * x * Math.tanh(x) },
  elu: { name: "elu", piecewiseLinear: false, output: (x, p) => (x > 0 ? x : (p.alpha ?? 1) * Math.expm1(x)) },
  /** PyTorch's nn.Hardswish: x·relu6(x + 3)/6 (piecewise quadratic, not linear). */
  hardswish: { name: "hardswish", piecewiseLinear: false, output: (x) => (x <= -3 ? 0 : x >= 3 ? x : (x * (x + 3)) / 6) },
  softsign: { name: "softsign", piecewiseLinear: false, output: (x) => x / (1 + Math.abs(x)) },
  /** log σ(x) = −softplus(−x), accurate on both sides. */
  logsigmoid: { name: "logsigmoid", piecewiseLinear: false, output: (x) => -softplus(-x) },
};

/** True when `name` is a registered activation. */
export function isActivationName(name: string): name is ActivationName {
  return Object.prototype.hasOwnProperty.call(activations, name);
}

/**
 * The state of one unit for its pre-activation z: the index of the affine piece z lies in
 * (0 = left of the first breakpoint). ReLU: 1 active, 0 inactive. Ties (z exactly on a breakpoint)
 * go to the left piece, matching ReLU's z > 0 convention. Smooth activations use the sign (z > 0).
 */
export function pieceIndex(name: ActivationName, z: number, p: ActivationParams): number {
  if (name === "hardtanh") return z <= (p.min ?? -1) ? 0 : z <= (p.max ?? 1) ? 1 : 2;
  if (name === "identity") return 0;
  return z > 0 ? 1 : 0;
}
