// Every smooth activation of the float64 reference engine against 40-digit mpmath values
// (test/fixtures/activations-mp.json, generated once by mpmath 1.3.0): "exact" float64 outputs
// must be float64-accurate, not 1e-7-accurate (GELU's erf once was).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { activations, ActivationName, erf, erfc } from "../../src/core/activations.js";

const fixture = JSON.parse(readFileSync(new URL("../fixtures/activations-mp.json", import.meta.url), "utf8")) as { points: number[]; values: Record<string, string[]> };

/** Largest relative error of f against the fixture's values (absolute where the value is below 1e-300). */
function worst(f: (x: number) => number, name: string): { err: number; at: number } {
  let err = 0;
  let at = NaN;
  fixture.points.forEach((x, i) => {
    const ref = Number(fixture.values[name]![i]!);
    const y = f(x);
    expect(Number.isFinite(y), `${name}(${x})`).toBe(true);
    const e = Math.abs(ref) < 1e-300 ? Math.abs(y - ref) : Math.abs(y - ref) / Math.abs(ref);
    if (e > err) { err = e; at = x; }
  });
  return { err, at };
}

describe("float64 accuracy of the special functions and smooth activations", () => {
  it("erf is accurate to a few ulps over [−8, 8] and beyond", () => {
    expect(worst(erf, "erf").err).toBeLessThan(4e-16 * 4);
  });
  it("erfc keeps relative accuracy where it is tiny (x up to 35)", () => {
    expect(worst(erfc, "erfc").err).toBeLessThan(1e-13);
  });
  const smooth: ActivationName[] = ["tanh", "sigmoid", "softplus", "gelu", "silu", "mish", "xtanh", "x2tanh", "elu", "hardswish", "softsign", "logsigmoid"];
  it.each(smooth)("%s matches the 40-digit reference to 1e-13 relative", (name) => {
    const fn = activations[name];
    const { err, at } = worst((x) => fn.output(x, {}), name);
    expect(err, `${name} worst at x = ${at}`).toBeLessThan(1e-13);
  });
});
