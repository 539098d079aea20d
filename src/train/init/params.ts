// Float64 parameter sets in netsize layout: what initialisation produces, snapshots read and export folds.
import { Arch, ConvNode, DenseNode, NormNode, affineNodes } from "../arch.js";

/** Weights of one affine node in netsize layout: dense [out][in], conv [out][in][kh][kw]. */
export interface AffineParams {
  weight: Float64Array;
  bias: Float64Array;
}

/** One normalisation node: affine γ, β and the running statistics used at inference. */
export interface NormParams {
  gamma: Float64Array;
  beta: Float64Array;
  /** Running mean of the pre-normalisation values. */
  mean: Float64Array;
  /** Running scale (the divisor: √(var+ε), √(π/2)·mean|x−μ|+ε or C(n)·max|x−μ|+ε). */
  scale: Float64Array;
}

/** All parameters of an architecture, aligned with affineNodes(arch) and normNodes(arch). */
export interface ParamSet {
  affine: AffineParams[];
  norm: NormParams[];
}

/** The normalisation nodes, in order. */
export function normNodes(arch: Arch): NormNode[] {
  return arch.nodes.filter((n): n is NormNode => n.kind === "norm");
}

/** Fan-in and fan-out of an affine node (conv: channels × kernel area). */
export function fans(node: DenseNode | ConvNode): { fanIn: number; fanOut: number; rows: number; cols: number } {
  if (node.kind === "dense") return { fanIn: node.inSize, fanOut: node.outSize, rows: node.outSize, cols: node.inSize };
  const area = node.kernel[0] * node.kernel[1];
  return { fanIn: node.inChannels * area, fanOut: node.outChannels * area, rows: node.outChannels, cols: node.inChannels * area };
}

/** Fresh normalisation parameters: γ = 1, β = 0, running mean 0, running scale 1. */
export function freshNorms(arch: Arch): NormParams[] {
  return normNodes(arch).map((n) => ({
    gamma: new Float64Array(n.channels).fill(1),
    beta: new Float64Array(n.channels),
    mean: new Float64Array(n.channels),
    scale: new Float64Array(n.channels).fill(1),
  }));
}

/** Number of trainable scalars (weights, biases, γ, β). */
export function paramCount(p: ParamSet): number {
  let n = 0;
  for (const a of p.affine) n += a.weight.length + a.bias.length;
  for (const b of p.norm) n += b.gamma.length + b.beta.length;
  return n;
}

/** The affine nodes of an architecture with their fans (re-exported for the init modules). */
export function affineWithFans(arch: Arch): { node: DenseNode | ConvNode; fanIn: number; fanOut: number; rows: number; cols: number }[] {
  return affineNodes(arch).map((node) => ({ node, ...fans(node) }));
}
