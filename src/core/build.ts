import { ActivationName } from "./activations.js";
import { mlp, Network } from "./network.js";
import { createRng } from "./random.js";

/** Options for a randomly initialised MLP. */
export interface RandomMlpOptions {
  seed: number;
  activation?: ActivationName;
  /** Weight std = gain / sqrt(fan_in); default sqrt(2) (He). */
  gain?: number;
  /** Bias std; default 0 (biases zero) unless given. */
  biasStd?: number;
}

/** A seeded random MLP (He-normal by default) — the standard-initialisation networks of the tests and demos. */
export function randomMlp(widths: readonly number[], opts: RandomMlpOptions): Network {
  const rng = createRng(opts.seed);
  const gain = opts.gain ?? Math.SQRT2;
  const weights = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const fanIn = widths[l]!, fanOut = widths[l + 1]!;
    const weight = new Float64Array(fanIn * fanOut);
    const std = gain / Math.sqrt(fanIn);
    for (let i = 0; i < weight.length; i++) weight[i] = rng.normal() * std;
    const bias = new Float64Array(fanOut);
    if (opts.biasStd) for (let i = 0; i < fanOut; i++) bias[i] = rng.normal() * opts.biasStd;
    weights.push({ weight, bias });
  }
  return mlp(widths, weights, opts.activation ?? "relu", { source: "randomMlp", widths: [...widths], ...opts });
}
