// The exact shallow form: hand-built nets whose form is known, equality checks that can fail, An et al.'s two-layer form.
import { describe, expect, it } from "vitest";
import { randomMlp } from "../../src/core/build.js";
import { makeBox, uniformBox } from "../../src/core/domain.js";
import { forward } from "../../src/core/engine/reference.js";
import { mlp } from "../../src/core/network.js";
import { firstLayer, maxOfTerms, shallowForm, shallowFormNetwork, shallowTermNetworks, targetForm, twoLayerTerms, twoLayerValue } from "../../src/lenses/shallow/index.js";

const dense = (w: number[], b: number[]) => ({ weight: Float64Array.from(w), bias: Float64Array.from(b) });

describe("shallow form of hand-built networks", () => {
  it("|x| = max(x, −x): two pieces, two terms, exact", async () => {
    const abs = mlp([1, 2, 1], [dense([1, -1], [0, 0]), dense([1, 1], [0])]);
    const r = await shallowForm(abs, uniformBox(1, -1, 1), { points: 2000 });
    expect(r.regions).toBe(2);
    expect(r.targets[0]!.pieces).toBe(2);
    expect(r.targets[0]!.latticeTerms).toBe(2);
    expect(r.form.lattice[0]!.map((s) => s.length)).toEqual([1, 1]);
    const slopes = r.form.pieces[0]!.map((p) => p.w[0]).sort();
    expect(slopes).toEqual([-1, 1]);
    expect(r.check.maxAbsDiff).toBe(0);
    expect(r.check.passed).toBe(true);
  });

  it("max(x, y, 0) = relu(x) + relu(y − relu(x)), a 2-hidden-layer net: three pieces, max of three singleton terms", async () => {
    const net = mlp([2, 3, 2, 1], [dense([1, 0, 0, 1, 0, -1], [0, 0, 0]), dense([1, 0, 0, -1, 1, -1], [0, 0]), dense([1, 1], [0])]);
    const r = await shallowForm(net, uniformBox(2, -1, 1), { points: 5000 });
    expect(r.targets[0]!.pieces).toBe(3);
    expect(r.form.lattice[0]!.map((s) => s.length)).toEqual([1, 1, 1]);
    const pieces = r.form.pieces[0]!.map((p) => `${p.w.join(",")}|${p.b}`).sort();
    expect(pieces).toEqual(["0,0|0", "0,1|0", "1,0|0"]);
    expect(r.check.maxAbsDiff).toBeLessThan(1e-15);
  });

  it("a 2-layer net with a known min structure: min(x, y) = x − relu(x − y) is one lattice term {x, y}", async () => {
    const net = mlp([2, 2, 1], [dense([1, 0, 1, -1], [0, 0]), dense([1, -1], [0])]);
    // relu(x) − relu(x − y): not min(x,y) for x < 0; restrict to x > 0 where it is min(x, y).
    const box = makeBox(Float64Array.of(0.1, -1), Float64Array.of(1, 1));
    const r = await shallowForm(net, box, { points: 5000 });
    expect(r.targets[0]!.pieces).toBe(2);
    expect(r.targets[0]!.latticeTerms).toBe(1);
    expect(r.form.lattice[0]![0]!.length).toBe(2);
    expect(r.check.passed).toBe(true);
  });

  it("the term networks are one-hidden-layer nets whose max equals the deep net; a wrong form is caught", async () => {
    const net = randomMlp([2, 6, 6, 1], { seed: 5, biasStd: 0.4 });
    const box = uniformBox(2, -1, 1);
    const r = await shallowForm(net, box, { points: 20_000 });
    expect(r.check.passed).toBe(true);
    expect(r.check.maxAbsDiff).toBeLessThan(1e-12);
    const terms = shallowTermNetworks(r)[0]!;
    expect(terms.length).toBe(r.targets[0]!.shallowTerms);
    for (const t of terms) expect(t.layers.map((l) => l.kind)).toEqual(["dense", "activation", "dense"]);
    expect(terms.reduce((s, t) => s + (t.layers[0] as { outSize: number }).outSize, 0)).toBe(r.targets[0]!.hiddenUnits);
    const X = Float64Array.from({ length: 400 }, (_, i) => Math.sin(i * 12.9898) * 0.99);
    const g = maxOfTerms(terms, X, 200, 2);
    for (let p = 0; p < 200; p++) expect(Math.abs(g[p]! - forward(net, X.subarray(2 * p, 2 * p + 2))[0]!)).toBeLessThan(1e-12);
    const whole = shallowFormNetwork(r)!;
    for (let p = 0; p < 50; p++) expect(forward(whole, X.subarray(2 * p, 2 * p + 2))[0]).toBeCloseTo(g[p]!, 12);
    // Dropping a term breaks equality somewhere (every term covers its own region).
    let worst = 0;
    const pts = Float64Array.from({ length: 20_000 }, (_, i) => Math.sin(i * 78.233) * 0.999);
    const fa = maxOfTerms(terms.slice(1), pts, 10_000, 2);
    for (let p = 0; p < 10_000; p++) worst = Math.max(worst, Math.abs(fa[p]! - forward(net, pts.subarray(2 * p, 2 * p + 2))[0]!));
    expect(worst).toBeGreaterThan(1e-9);
  });

  it("logit differences of a two-output net; several outputs each", async () => {
    const net = randomMlp([2, 5, 5, 2], { seed: 9, biasStd: 0.3 });
    const box = uniformBox(2, -2, 2);
    const d = await shallowForm(net, box, { points: 5000, target: "differences" });
    expect(d.targets.map((t) => t.name)).toEqual(["out 1 − out 0"]);
    expect(d.check.passed).toBe(true);
    const o = await shallowForm(net, box, { points: 5000 });
    expect(o.targets.length).toBe(2);
    expect(o.check.passed).toBe(true);
  });
});

describe("pruning and An et al.'s layer-by-layer form", () => {
  it("targetForm keeps minimal sets and the smallest valid set per region", () => {
    const f = targetForm(3, [0, 1, 2], [[0, 1, 2], [1, 2], [0, 2]].map((s) => s.sort()));
    expect(f.lattice).toEqual([[1, 2], [0, 2]]);
    // region 0 (anchor 0, S = {0,1,2}) can use {0,2} ⊆ S with 0 in it
    expect(f.shallow.find((t) => t.anchor === 0)!.set).toEqual([0, 2]);
    expect(f.hiddenUnits).toBe(3 * 1 + 3 * 2);
  });

  it("the explicit max_s min_t form of a 2-hidden-layer net matches it, with 2^|P| × 2^|N| terms", async () => {
    const net = randomMlp([2, 4, 5, 1], { seed: 11, biasStd: 0.5 });
    const r = await shallowForm(net, uniformBox(2, -1, 1), { points: 3000 });
    const tl = r.an.twoLayer!;
    const p = tl.perTarget[0]!;
    expect(p.positive + p.negative).toBe(5);
    expect(p.shallowNets).toBe(32);
    expect(tl.evaluated).toBe(true);
    expect(tl.maxAbsDiff!).toBeLessThan(1e-12);
    expect(r.an.gatings).toBe(32);
    expect(r.an.realisedGatings).toBeLessThanOrEqual(32);
    // Flipping one output weight's sign in the terms (a wrong form) no longer matches.
    const l2 = net.layers[2] as never, l3 = net.layers[4] as { weight: Float64Array; bias: Float64Array };
    const right = twoLayerTerms(l2, l3.weight, l3.bias[0]!), wrong = twoLayerTerms(l2, Float64Array.from(l3.weight, (v, i) => (i === 0 ? -v : v)), l3.bias[0]!);
    let worst = 0, ok = 0;
    for (let k = 0; k < 200; k++) {
      const x = [Math.sin(k * 3.1), Math.cos(k * 1.7)];
      const z = firstLayer(net.layers[0] as never, x), f = forward(net, x)[0]!;
      ok = Math.max(ok, Math.abs(twoLayerValue(right, z) - f));
      worst = Math.max(worst, Math.abs(twoLayerValue(wrong, z) - f));
    }
    expect(ok).toBeLessThan(1e-12);
    expect(worst).toBeGreaterThan(1e-6);
  });

  it("deeper nets: gating counts ∏ 2^{n_l} without enumeration", async () => {
    const net = randomMlp([2, 3, 4, 5, 1], { seed: 2 });
    const r = await shallowForm(net, uniformBox(2, -1, 1), { points: 1000 });
    expect(r.an.gatingsLog2).toBe(9);
    expect(r.an.gatings).toBe(512);
    expect(r.an.twoLayer).toBeUndefined();
    expect(r.check.passed).toBe(true);
  });
});
