// AutoInit-style variance propagation (Bingham & Miikkulainen): walk the architecture in order,
// track each node's output mean and variance under a Gaussian assumption, and give every affine
// layer Var(W) = σ²_target / (fan_in · E[x²]) so its pre-activations have variance σ²_target.
import { ActivationName, ActivationParams, activations, erf } from "../../core/activations.js";
import { Arch } from "../arch.js";
import { fans } from "./params.js";

/** Mean and variance of one node's output elements. */
export interface Moments {
  mean: number;
  variance: number;
}

/** Simpson's rule on [a, b] with an even number of intervals. */
function simpson(g: (x: number) => number, a: number, b: number, intervals = 2000): number {
  if (b <= a) return 0;
  const h = (b - a) / intervals;
  let s = g(a) + g(b);
  for (let i = 1; i < intervals; i++) s += (i % 2 === 1 ? 4 : 2) * g(a + i * h);
  return (s * h) / 3;
}

/**
 * E[g(Z)] for Z ~ N(mean, variance) with a density weight `w` (default the Gaussian's own),
 * by Simpson's rule on mean ± 12σ split at `kinks` (so piecewise-linear g integrate exactly enough).
 */
export function gaussianExpectation(g: (x: number) => number, m: Moments, kinks: number[] = [], density?: (x: number) => number): number {
  const sd = Math.sqrt(m.variance);
  if (sd === 0) return g(m.mean);
  const pdf = density ?? ((x: number) => Math.exp(-0.5 * ((x - m.mean) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI)));
  const lo = m.mean - 12 * sd, hi = m.mean + 12 * sd;
  const cuts = [lo, ...kinks.filter((k) => k > lo && k < hi).sort((a, b) => a - b), hi];
  let s = 0;
  for (let i = 0; i + 1 < cuts.length; i++) s += simpson((x) => g(x) * pdf(x), cuts[i]!, cuts[i + 1]!);
  return s;
}

/** Moments of σ(Z) for Z ~ N(m): μ_out = E[σ(Z)], v_out = E[σ(Z)²] − μ_out² (AutoInit's moment matching by quadrature). */
export function activationMoments(fn: ActivationName, params: ActivationParams, m: Moments): Moments {
  const f = activations[fn];
  const kinks = [0, ...(f.breakpoints?.(params) ?? [])];
  const mean = gaussianExpectation((x) => f.output(x, params), m, kinks);
  const second = gaussianExpectation((x) => f.output(x, params) ** 2, m, kinks);
  return { mean, variance: Math.max(0, second - mean * mean) };
}

/** Moments of the max of n independent N(m) values: density n·φ·Φ^(n−1). */
function maxMoments(n: number, m: Moments): Moments {
  const sd = Math.sqrt(m.variance);
  if (sd === 0 || n === 1) return m;
  const phi = (x: number): number => Math.exp(-0.5 * ((x - m.mean) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI));
  const Phi = (x: number): number => 0.5 * (1 + erf((x - m.mean) / (sd * Math.SQRT2)));
  const dens = (x: number): number => n * phi(x) * Phi(x) ** (n - 1);
  const mean = gaussianExpectation((x) => x, m, [], dens);
  const second = gaussianExpectation((x) => x * x, m, [], dens);
  return { mean, variance: Math.max(0, second - mean * mean) };
}

/** Result of AutoInit's walk: the weight variance of each affine node (aligned with affineNodes) and every node's output moments. */
export interface AutoInitPlan {
  weightVariance: number[];
  moments: Moments[];
}

/**
 * Plan AutoInit variances for an architecture. The input is assumed to have the given moments
 * (AutoInit's default: mean 0, variance 1); normalisation layers reset to (β, γ²) = (0, 1); the
 * dense/conv output is (0, σ²_target). Inverted dropout keeps E[x] and divides E[x²] by 1 − p; a sum
 * of two branches adds means and variances (independence); average pooling over n cells divides
 * the variance by n; max pooling uses the moments of the max of n independent Gaussians.
 */
export function planAutoInit(arch: Arch, input: Moments = { mean: 0, variance: 1 }, targetVariance = 1): AutoInitPlan {
  const moments: Moments[] = [];
  const weightVariance: number[] = [];
  const at = (i: number): Moments => (i === -1 ? input : moments[i]!);
  for (const node of arch.nodes) {
    const x = at(node.inputs[0]!);
    switch (node.kind) {
      case "dense":
      case "conv2d": {
        const second = x.variance + x.mean * x.mean;
        weightVariance.push(targetVariance / (fans(node).fanIn * second));
        moments.push({ mean: 0, variance: targetVariance });
        break;
      }
      case "norm": moments.push({ mean: 0, variance: 1 }); break;
      case "activation": moments.push(activationMoments(node.fn, node.params, x)); break;
      case "dropout": {
        const second = (x.variance + x.mean * x.mean) / (1 - node.rate);
        moments.push({ mean: x.mean, variance: second - x.mean * x.mean });
        break;
      }
      case "add": {
        const y = at(node.inputs[1]!);
        moments.push({ mean: x.mean + y.mean, variance: x.variance + y.variance });
        break;
      }
      case "avgpool": moments.push({ mean: x.mean, variance: x.variance / (node.kernel[0] * node.kernel[1]) }); break;
      case "maxpool": moments.push(maxMoments(node.kernel[0] * node.kernel[1], x)); break;
      case "flatten": moments.push(x); break;
    }
  }
  return { weightVariance, moments };
}
