import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { activations } from "../../src/core/activations.js";
import { makeBox, uniformBox } from "../../src/core/domain.js";
import { mlp } from "../../src/core/network.js";
import { crownNode } from "../../src/lenses/stability/crown.js";
import { ibp, nodeInterval } from "../../src/lenses/stability/ibp.js";
import { relaxation, stablePiece } from "../../src/lenses/stability/pieces.js";
import { biasedMlp, boxSamples, preActivations, smallConvNet } from "./nets.js";

const f64 = (a: number[]) => Float64Array.from(a);

describe("activation pieces and relaxations", () => {
  it("stablePiece follows the z > breakpoint convention (ties left)", () => {
    expect(stablePiece([0], -2, -1)).toBe(0);
    expect(stablePiece([0], -2, 0)).toBe(0); // z <= 0 everywhere: inactive
    expect(stablePiece([0], 0, 1)).toBe(-1); // z = 0 is inactive, z = 1 active
    expect(stablePiece([0], 1e-300, 1)).toBe(1);
    expect(stablePiece([-1, 1], -0.5, 1)).toBe(1);
    expect(stablePiece([-1, 1], -0.5, 1.5)).toBe(-1);
    expect(stablePiece([-1, 1], 1.1, 4)).toBe(2);
  });

  it("every relaxation line bounds its activation on the interval", () => {
    const fns = [["relu", {}], ["leakyrelu", { alpha: 0.1 }], ["leakyrelu", { alpha: 2 }], ["abs", {}], ["hardtanh", {}], ["hardtanh", { min: -0.5, max: 2 }]] as const;
    fc.assert(fc.property(
      fc.integer({ min: 0, max: fns.length - 1 }), fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: 0, max: 6, noNaN: true }),
      (k, l, w) => {
        const [fn, p] = fns[k]!;
        const u = l + w;
        const r = relaxation(fn, p, l, u);
        for (let t = 0; t <= 50; t++) {
          const z = l + (w * t) / 50;
          const f = activations[fn].output(z, p);
          const tol = 1e-9 * (1 + Math.abs(z));
          if (r.lowS * z + r.lowT > f + tol || r.upS * z + r.upT < f - tol) return false;
        }
        return true;
      },
    ), { numRuns: 400 });
  });
});

describe("IBP", () => {
  it("is exact on the first layer: the bounds are attained at box vertices", () => {
    const net = mlp([2, 2, 1], [{ weight: f64([1, -2, 0.5, 3]), bias: f64([0.25, -1]) }, { weight: f64([1, 1]), bias: f64([0]) }]);
    const b = ibp(net, makeBox(f64([-1, 0]), f64([2, 1])));
    // z0 = x0 - 2 x1 + 0.25 on [-1,2]x[0,1]: min -1 - 2 + 0.25, max 2 + 0.25; z1 = 0.5 x0 + 3 x1 - 1.
    expect(Array.from(b.layers[0]!.lower)).toEqual([-2.75, -1.5]);
    expect(Array.from(b.layers[0]!.upper)).toEqual([2.25, 3]);
    // Through the ReLU, then the output: [0 + 0, 2.25 + 3].
    expect(Array.from(b.layers[2]!.lower)).toEqual([0]);
    expect(Array.from(b.layers[2]!.upper)).toEqual([5.25]);
  });
});

describe("soundness of IBP and CROWN (every sampled pre-activation inside the bounds)", () => {
  const check = (net: ReturnType<typeof biasedMlp>, box: ReturnType<typeof uniformBox>, n: number, seed: number): { ibpWidth: number; crownWidth: number } => {
    const X = boxSamples(box, n, seed);
    const pre = preActivations(net, X, n);
    const bounds = ibp(net, box);
    let ibpWidth = 0, crownWidth = 0, violations = 0;
    net.layers.forEach((layer, li) => {
      if (layer.kind !== "activation") return;
      const src = layer.inputs[0]!;
      const I = nodeInterval(bounds, src);
      const m = I.lower.length;
      const C = src === -1 ? I : crownNode(net, box, bounds, src, Int32Array.from({ length: m }, (_, i) => i));
      const Z = pre.get(li)!;
      for (let s = 0; s < n; s++) {
        for (let i = 0; i < m; i++) {
          const z = Z[s * m + i]!, e = 1e-9 * (1 + Math.abs(z));
          if (z < I.lower[i]! - e || z > I.upper[i]! + e || z < C.lower[i]! - e || z > C.upper[i]! + e) violations++;
        }
      }
      for (let i = 0; i < m; i++) { ibpWidth += I.upper[i]! - I.lower[i]!; crownWidth += C.upper[i]! - C.lower[i]!; }
    });
    expect(violations).toBe(0);
    return { ibpWidth, crownWidth };
  };

  it("holds on random MLPs with relu, leaky relu, abs and hard tanh (property)", () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 1e6 }), fc.constantFrom("relu", "leakyrelu", "abs", "hardtanh"), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: 0.01, max: 2, noNaN: true }),
      (seed, act, lo, w) => {
        const net = biasedMlp([3, 6, 5, 2], seed, { act: act as "relu", pStable: 0.3, ...(act === "leakyrelu" ? { alpha: 0.2 } : {}) });
        check(net, uniformBox(3, lo, lo + w), 200, seed);
      },
    ), { numRuns: 40 });
  });

  it("CROWN is much tighter than IBP on a deeper MLP (summed widths)", () => {
    const net = biasedMlp([10, 20, 20, 20, 2], 7, { pStable: 0 });
    const { ibpWidth, crownWidth } = check(net, uniformBox(10, 0, 0.2), 500, 1);
    expect(crownWidth).toBeLessThan(0.8 * ibpWidth);
  });

  it("holds on a conv net with padding, a residual add, average and max pooling", () => {
    const net = smallConvNet(3);
    const box = uniformBox(25, 0, 1);
    check(net, box, 400, 2);
    check(net, uniformBox(25, 0.4, 0.6), 400, 3);
  });
});
