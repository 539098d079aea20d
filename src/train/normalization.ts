// Batch normalisation with L2, L1 and L∞ statistics after Hoffer, Banner, Golan & Soudry
// ("Norm matters", 2018; eladhoffer/norm_matters models/lp_norm.py), and its folding into the
// preceding affine layer so a trained network exports as plain dense/conv layers.
import { tf } from "./tf.js";
import { NormKind } from "./arch.js";
import { AffineParams, NormParams } from "./init/params.js";

/** ε added to the divisor of every batch norm. */
export const NORM_EPSILON = 1e-5;

/** Momentum of the running statistics: running ← (1 − m)·running + m·batch (PyTorch's convention). */
export const NORM_MOMENTUM = 0.1;

/** √(π/2): E|x − μ| = σ·√(2/π) for a Gaussian, so the L1 statistic times this estimates σ. */
export const L1_NORM_CONSTANT = Math.sqrt(Math.PI / 2);

/** Hoffer et al.'s L∞ constant C(n) = ½(1 + √(π·ln 4)) / √(2·ln n) for n values per channel. */
export function linfConstant(n: number): number {
  return (0.5 * (1 + Math.sqrt(Math.PI * Math.log(4)))) / Math.sqrt(2 * Math.log(n));
}

/** Variables of one batch-norm node. */
export interface NormVariables {
  gamma: tf.Variable;
  beta: tf.Variable;
  mean: tf.Variable;
  scale: tf.Variable;
}

/**
 * Batch norm over the last (channel) axis. Training: statistics of the batch (mean over every
 * other axis; divisor √(mean (x−μ)² + ε) for L2, √(π/2)·mean|x−μ| + ε for L1, C(n)·max|x−μ| + ε for
 * L∞ with n values per channel) and the running statistics updated; inference: the running ones.
 */
export function batchNorm(x: tf.Tensor, kind: Exclude<NormKind, "none">, v: NormVariables, training: boolean): tf.Tensor {
  if (!training) return tf.add(tf.mul(tf.div(tf.sub(x, v.mean), v.scale), v.gamma), v.beta);
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const n = x.size / x.shape[x.rank - 1]!;
  const mu = tf.mean(x, axes);
  const dev = tf.sub(x, mu);
  let s: tf.Tensor;
  if (kind === "l2") s = tf.sqrt(tf.add(tf.mean(tf.square(dev), axes), NORM_EPSILON));
  else if (kind === "l1") s = tf.add(tf.mul(tf.mean(tf.abs(dev), axes), L1_NORM_CONSTANT), NORM_EPSILON);
  else s = tf.add(tf.mul(tf.max(tf.abs(dev), axes), linfConstant(n)), NORM_EPSILON);
  const m = NORM_MOMENTUM;
  v.mean.assign(tf.add(tf.mul(v.mean, 1 - m), tf.mul(mu, m)));
  v.scale.assign(tf.add(tf.mul(v.scale, 1 - m), tf.mul(s, m)));
  return tf.add(tf.mul(tf.div(dev, s), v.gamma), v.beta);
}

/**
 * Fold inference-mode batch norm y = γ(z − μ)/s + β into the affine layer z = Wx + b that feeds it
 * (rows = output units or channels, each row of W scaled by γ/s): W' = (γ/s)·W, b' = (γ/s)(b − μ) + β.
 * Computed in float64 from the stored float32 values.
 */
export function foldNorm(affine: AffineParams, norm: NormParams): AffineParams {
  const rows = affine.bias.length;
  const per = affine.weight.length / rows;
  const weight = new Float64Array(affine.weight.length);
  const bias = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const g = norm.gamma[r]! / norm.scale[r]!;
    for (let j = 0; j < per; j++) weight[r * per + j] = affine.weight[r * per + j]! * g;
    bias[r] = (affine.bias[r]! - norm.mean[r]!) * g + norm.beta[r]!;
  }
  return { weight, bias };
}
