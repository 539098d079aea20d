// Identical-output networks: the function is unchanged to 1e-9 while the statistics the lens says may
// change do change, and those it says are invariant stay put.
import { describe, expect, it } from "vitest";
import { randomMlp } from "../../src/core/build.js";
import { forwardBatchReference } from "../../src/core/engine/reference.js";
import { isNetsizeError } from "../../src/core/errors.js";
import { createNetwork, LayerSpec, Network } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import type { Dataset } from "../../src/data/dataset.js";
import { identicalOutputNetwork, ION_INVARIANCE, simplicity, SimplicityResult } from "../../src/lenses/simplicity/index.js";

const rng = createRng(11);
const N = 400;
const data: Dataset = { name: "gauss", n: N, shape: [5], x: Float64Array.from({ length: N * 5 }, () => rng.normal()), labels: Int32Array.from({ length: N }, (_, i) => i % 3) };
/** A random 5-16-16-3 ReLU network whose unit 4 of the first hidden layer is dead (bias −100). */
function withDeadUnit(): Network {
  const base = randomMlp([5, 16, 16, 3], { seed: 5, biasStd: 0.3 });
  const specs = base.layers.map((l) => { const { shape: _s, ...rest } = l; return rest as LayerSpec; });
  const d0 = specs[0] as LayerSpec & { bias: Float64Array };
  d0.bias = Float64Array.from(d0.bias, (b, i) => (i === 4 ? -100 : b));
  return createNetwork([5], specs);
}
const net = withDeadUnit();

function maxDiff(a: Network, b: Network): number {
  const fa = forwardBatchReference(a, data.x, N, { withUnits: false }).outputs, fb = forwardBatchReference(b, data.x, N, { withUnits: false }).outputs;
  return fa.reduce((m, v, i) => Math.max(m, Math.abs(v - fb[i]!)), 0);
}
const measure = (n: Network): Promise<SimplicityResult> => simplicity(n, data, { measures: "units,representations,gdv", certify: "none", gdvPerClass: 50 });
const rep = (r: SimplicityResult, name: string) => r.representations!.layers.find((l) => l.name === name)!;
const gdvOf = (r: SimplicityResult, name: string): number => r.gdv!.layers.find((l) => l.name === name)!.gdv;

describe("identical-output networks", () => {
  it("scale (P·D through the ReLU): same outputs; sparsity, dead units, rank, correlation, GDV unchanged; effective rank changed", async () => {
    const ion = identicalOutputNetwork(net, { seed: 3, map: "scale" });
    expect(ion.changes.map((c) => c.name)).toEqual(["relu0", "relu1"]);
    expect(maxDiff(net, ion.network)).toBeLessThan(1e-9);
    const [a, b] = [await measure(net), await measure(ion.network)];
    for (const name of ["relu0", "relu1"]) {
      expect(rep(b, name).sparsity).toBe(rep(a, name).sparsity);
      expect(rep(b, name).rank).toBe(rep(a, name).rank);
      expect(rep(b, name).correlation!).toBeCloseTo(rep(a, name).correlation!, 10);
      expect(gdvOf(b, name)).toBeCloseTo(gdvOf(a, name), 10);
      expect(Math.abs(rep(b, name).effectiveRank - rep(a, name).effectiveRank)).toBeGreaterThan(0.05);
    }
    expect(a.units!.layers[0]!.dead).toBe(1);
    expect(b.units!.layers.map((l) => l.dead)).toEqual(a.units!.layers.map((l) => l.dead));
    expect(ION_INVARIANCE.sparsity!.scale && ION_INVARIANCE.correlation!.scale && !ION_INVARIANCE["effective rank"]!.scale).toBe(true);
  });

  it("affine (A = Q·diag(s), shift c, after the activation): same outputs; the representation loses its zeros, gains a rank, changes correlation and GDV", async () => {
    const ion = identicalOutputNetwork(net, { seed: 4, map: "affine", layers: [1] });
    expect(ion.network.layers.map((l) => l.name)).toEqual(["dense0", "relu0", "relu0_ion", "dense1", "relu1", "dense2"]);
    expect(maxDiff(net, ion.network)).toBeLessThan(1e-9);
    const [a, b] = [await measure(net), await measure(ion.network)];
    const h = rep(a, "relu0"), t = rep(b, "relu0_ion");
    expect(t.kind).toBe("linear");
    expect(h.sparsity).toBeGreaterThan(0.3);
    expect(t.sparsity).toBe(0);
    // The dead unit's zero column leaves rank 15; A·h + c has rank of [H 1] = 16.
    expect(h.rank).toBe(15);
    expect(t.rank).toBe(16);
    expect(Math.abs(t.correlation! - h.correlation!)).toBeGreaterThan(0.01);
    expect(Math.abs(gdvOf(b, "relu0_ion") - gdvOf(a, "relu0"))).toBeGreaterThan(1e-5);
    // What the map does not touch is unchanged: the layer it acts after, and the dead unit.
    expect(rep(b, "relu0").sparsity).toBe(h.sparsity);
    expect(b.units!.layers.map((l) => l.dead)).toEqual(a.units!.layers.map((l) => l.dead));
  });

  it("refuses layers no map can take, and a network without any", () => {
    expect(() => identicalOutputNetwork(net, { seed: 1, layers: [0] })).toThrowError(/cannot take/);
    const tanh = randomMlp([3, 4, 2], { seed: 1, activation: "tanh" });
    try { identicalOutputNetwork(tanh, { seed: 1, map: "scale" }); expect.unreachable(); } catch (e) { expect(isNetsizeError(e, "UNSUPPORTED_OP")).toBe(true); }
    // The affine map acts after the activation, so any activation takes it.
    const x = Float64Array.from({ length: 300 }, (_, i) => Math.sin(i));
    const ion = identicalOutputNetwork(tanh, { seed: 1, map: "affine" }).network;
    const fa = forwardBatchReference(tanh, x, 100, { withUnits: false }).outputs, fb = forwardBatchReference(ion, x, 100, { withUnits: false }).outputs;
    expect(fa.reduce((m, v, i) => Math.max(m, Math.abs(v - fb[i]!)), 0)).toBeLessThan(1e-9);
  });
});
