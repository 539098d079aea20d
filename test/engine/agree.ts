// Agreement checks between a BatchResult and the float64 reference (shared by the engine tests).
import { expect } from "vitest";
import { BatchResult, forwardBatchReference } from "../../src/core/engine/reference.js";
import { Network } from "../../src/core/network.js";
import { TOLERANCE } from "../../src/core/tolerance.js";

/** Largest |a - b| / max(|ref|∞ of that row, floor) over rows of width w. */
export function maxRelDiff(a: ArrayLike<number>, ref: ArrayLike<number>, w: number, floor = 1e-6): number {
  let worst = 0;
  for (let r = 0; r * w < ref.length; r++) {
    let scale = floor;
    for (let j = 0; j < w; j++) scale = Math.max(scale, Math.abs(ref[r * w + j]!));
    for (let j = 0; j < w; j++) worst = Math.max(worst, Math.abs(a[r * w + j]! - ref[r * w + j]!) / scale);
  }
  return worst;
}

/** Units whose states differ although the reference pre-activation is farther than `margin` from zero. */
export function patternMismatches(got: BatchResult, ref: BatchResult, margin: number = TOLERANCE.patternAgree): number {
  let bad = 0;
  ref.patterns.forEach((p, k) => {
    const z = ref.preActivations[k]!, q = got.patterns[k]!;
    for (let i = 0; i < p.length; i++) if (p[i] !== q[i] && Math.abs(z[i]!) > margin) bad++;
  });
  return bad;
}

/** Expect `got` to match the reference on X: outputs and pre-activations to `rel`, patterns wherever |z| > margin. */
export function expectAgrees(net: Network, got: BatchResult, X: Float64Array, n: number, rel = 1e-9, margin: number = TOLERANCE.patternAgree): BatchResult {
  const ref = forwardBatchReference(net, X, n);
  expect(got.n).toBe(n);
  expect(got.unitLayers).toEqual(ref.unitLayers);
  expect(got.outputs.length).toBe(ref.outputs.length);
  expect(maxRelDiff(got.outputs, ref.outputs, ref.outputs.length / Math.max(n, 1))).toBeLessThanOrEqual(rel);
  ref.preActivations.forEach((z, k) => {
    expect(got.preActivations[k]!.length).toBe(z.length);
    expect(maxRelDiff(got.preActivations[k]!, z, z.length / Math.max(n, 1))).toBeLessThanOrEqual(rel);
  });
  expect(patternMismatches(got, ref, margin)).toBe(0);
  return ref;
}
