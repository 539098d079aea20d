// Initialising a whole architecture: a base scheme per affine node, optionally followed by
// strength stabilisation and PA rewiring; normalisation layers start at γ = 1, β = 0.
import { fail } from "../../core/errors.js";
import { Rng } from "../../core/random.js";
import { Arch } from "../arch.js";
import { paRewire, stabilizeStrength } from "../rewire.js";
import { Moments, planAutoInit } from "./autoinit.js";
import { AffineParams, ParamSet, affineWithFans, freshNorms } from "./params.js";
import { INIT_SCHEMES, InitScheme, WeightDraw, sampleDraw, standardDraw } from "./standard.js";

/** How to initialise an architecture. */
export interface InitOptions {
  scheme: InitScheme;
  /** γ of the small initialisation (std = fan_in^(−γ)); default 2. */
  gamma?: number;
  /** Bias std; default 0, except the small initialisation which draws biases like weights (as the condensation experiments do). */
  biasStd?: number;
  /** Rewiring after the base draw: "pa" = preferential attachment (Scabini et al.). */
  rewire?: "none" | "pa";
  /** With rewire "pa": keep the best of this many draws by strength variance first (the authors' stabilize_strength; 1 = off). */
  stabilize?: number;
  /** Every weight ~ N(0, std²) in every layer, whatever the scheme; biases too unless biasStd is given (Zhou et al.'s std = m^(−γ)). */
  std?: number;
  /** AutoInit: moments of the network input (default mean 0, variance 1). */
  inputMoments?: Moments;
}

/** The weight draw of every affine node under a scheme (AutoInit: normal with the planned variance). */
export function weightDraws(arch: Arch, opts: InitOptions): WeightDraw[] {
  if (!INIT_SCHEMES.includes(opts.scheme)) fail("BAD_ARGUMENT", `unknown initialisation '${opts.scheme}'; use one of ${INIT_SCHEMES.join(", ")}`);
  const nodes = affineWithFans(arch);
  if (opts.std !== undefined) return nodes.map(() => ({ dist: "normal", std: opts.std! }));
  if (opts.scheme === "autoinit") {
    const plan = planAutoInit(arch, opts.inputMoments);
    return plan.weightVariance.map((v) => ({ dist: "normal", std: Math.sqrt(v) }));
  }
  const scheme = opts.scheme;
  return nodes.map((n) => standardDraw(scheme, n.fanIn, n.fanOut, opts.gamma));
}

/** Fresh affine parameters (weights from the scheme, then rewiring; biases per biasStd). */
export function initAffine(arch: Arch, opts: InitOptions, rng: Rng): AffineParams[] {
  const draws = weightDraws(arch, opts);
  const biasStd = opts.biasStd ?? (opts.scheme === "small" || opts.std !== undefined ? undefined : 0);
  return affineWithFans(arch).map(({ rows, cols }, i) => {
    const d = draws[i]!;
    const draw = (): Float64Array => sampleDraw(d, rows * cols, rng);
    let weight: Float64Array;
    if (opts.rewire === "pa") {
      weight = (opts.stabilize ?? 1) > 1 ? stabilizeStrength(draw, rows, cols, opts.stabilize!) : draw();
      paRewire(weight, rows, cols, rng);
    } else {
      weight = draw();
    }
    const bias = biasStd === undefined ? sampleDraw(d, rows, rng)
      : biasStd === 0 ? new Float64Array(rows) : sampleDraw({ dist: "normal", std: biasStd }, rows, rng);
    return { weight, bias };
  });
}

/** Initialise every parameter of an architecture from one seeded generator. */
export function initParams(arch: Arch, opts: InitOptions, rng: Rng): ParamSet {
  return { affine: initAffine(arch, opts, rng), norm: freshNorms(arch) };
}

export { INIT_SCHEMES };
export type { InitScheme };
