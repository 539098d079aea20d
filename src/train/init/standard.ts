// The standard weight initialisations: He and Glorot (normal / uniform) and the small
// std = fan_in^(−γ) initialisation of the condensation experiments.
import { fail } from "../../core/errors.js";
import { Rng } from "../../core/random.js";

/** A weight distribution: normal with a std, or uniform on ±limit. */
export type WeightDraw = { dist: "normal"; std: number } | { dist: "uniform"; limit: number };

/** The initialisation schemes of the training lab. */
export type InitScheme = "he-normal" | "he-uniform" | "glorot-normal" | "glorot-uniform" | "small" | "autoinit";

/** The scheme names, for option validation. */
export const INIT_SCHEMES: readonly InitScheme[] = ["he-normal", "he-uniform", "glorot-normal", "glorot-uniform", "small", "autoinit"];

/** The draw of a fan-based scheme: He (Var = 2/fan_in), Glorot (Var = 2/(fan_in+fan_out)), small (std = fan_in^(−γ)). */
export function standardDraw(scheme: Exclude<InitScheme, "autoinit">, fanIn: number, fanOut: number, gamma = 2): WeightDraw {
  switch (scheme) {
    case "he-normal": return { dist: "normal", std: Math.sqrt(2 / fanIn) };
    case "he-uniform": return { dist: "uniform", limit: Math.sqrt(6 / fanIn) };
    case "glorot-normal": return { dist: "normal", std: Math.sqrt(2 / (fanIn + fanOut)) };
    case "glorot-uniform": return { dist: "uniform", limit: Math.sqrt(6 / (fanIn + fanOut)) };
    case "small":
      if (!(gamma > 0)) fail("BAD_ARGUMENT", `the small initialisation needs γ > 0, got ${gamma}`);
      return { dist: "normal", std: fanIn ** -gamma };
  }
}

/** Variance of a draw. */
export function drawVariance(d: WeightDraw): number {
  return d.dist === "normal" ? d.std * d.std : (d.limit * d.limit) / 3;
}

/** n values from a draw, from the given generator. */
export function sampleDraw(d: WeightDraw, n: number, rng: Rng): Float64Array {
  const out = new Float64Array(n);
  if (d.dist === "normal") for (let i = 0; i < n; i++) out[i] = rng.normal() * d.std;
  else for (let i = 0; i < n; i++) out[i] = (2 * rng.next() - 1) * d.limit;
  return out;
}
