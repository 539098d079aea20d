import { afterAll, describe, expect, it } from "vitest";
import { initBackend, tf } from "../../src/train/backend.js";
import { conv2dOp, denseOp } from "../../src/train/ops.js";

// The hand-written gradients must equal tfjs's own (the cpu backend has every gradient kernel).
function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
}

afterAll(async () => { await initBackend("wasm"); });

describe.each(["cpu", "wasm"] as const)("hand-written dense/conv gradients on %s", (backend) => {
  it("dense: value and all three gradients match tf.matMul + add", async () => {
    await initBackend(backend);
    const x = tf.randomNormal([7, 5], 0, 1, "float32", 1) as tf.Tensor2D;
    const w = tf.randomNormal([5, 3], 0, 1, "float32", 2) as tf.Tensor2D;
    const b = tf.randomNormal([3], 0, 1, "float32", 3) as tf.Tensor1D;
    const up = tf.randomNormal([7, 3], 0, 1, "float32", 4);
    const f1 = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor): tf.Scalar => tf.sum(tf.mul(denseOp(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D), up));
    const f2 = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor): tf.Scalar => tf.sum(tf.mul(tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb), up));
    const g1 = tf.grads(f1)([x, w, b]), g2 = tf.grads(f2)([x, w, b]);
    for (let i = 0; i < 3; i++) expect(maxDiff(g1[i]!, g2[i]!)).toBeLessThan(1e-5);
    const noDx = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(denseOp(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D, false), up)))([x, w, b]);
    expect(maxDiff(noDx[1]!, g2[1]!)).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(noDx[0]!)).dataSync()[0]).toBe(0);
  });

  it.each([
    { stride: [1, 1], pads: [0, 0, 0, 0], k: 3 },
    { stride: [2, 2], pads: [1, 1, 1, 1], k: 3 },
    { stride: [2, 1], pads: [0, 2, 1, 0], k: 2 },
  ] as const)("conv2d stride $stride pads $pads: value and gradients match tfjs", async ({ stride, pads, k }) => {
    await initBackend(backend);
    const x = tf.randomNormal([2, 7, 6, 3], 0, 1, "float32", 5) as tf.Tensor4D;
    const w = tf.randomNormal([k, k, 3, 4], 0, 1, "float32", 6) as tf.Tensor4D;
    const b = tf.randomNormal([4], 0, 1, "float32", 7) as tf.Tensor1D;
    const ref = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor): tf.Tensor => {
      const xp = tf.pad(xx as tf.Tensor4D, [[0, 0], [pads[0], pads[2]], [pads[1], pads[3]], [0, 0]]);
      return tf.add(tf.conv2d(xp as tf.Tensor4D, ww as tf.Tensor4D, [...stride] as [number, number], "valid"), bb);
    };
    const mine = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor): tf.Tensor =>
      conv2dOp(xx as tf.Tensor4D, ww as tf.Tensor4D, bb as tf.Tensor1D, { stride: [...stride] as [number, number], pads: [...pads] as [number, number, number, number] });
    const y = mine(x, w, b);
    expect(maxDiff(y, ref(x, w, b))).toBeLessThan(1e-5);
    const up = tf.randomNormal(y.shape, 0, 1, "float32", 8);
    const g1 = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(mine(xx, ww, bb), up)))([x, w, b]);
    // the cpu backend differentiates the reference directly; on wasm (no Conv2DBackpropFilter) compare with finite differences of the filter instead
    if (backend === "cpu") {
      const g2 = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(ref(xx, ww, bb), up)))([x, w, b]);
      for (let i = 0; i < 3; i++) expect(maxDiff(g1[i]!, g2[i]!)).toBeLessThan(1e-4);
    } else {
      const h = 1e-2;
      const gw = g1[1]!.dataSync();
      const wv = w.dataSync();
      for (const idx of [0, 5, 17, wv.length - 1]) {
        const plus = Float32Array.from(wv), minus = Float32Array.from(wv);
        plus[idx] += h; minus[idx] -= h;
        const fp = tf.sum(tf.mul(ref(x, tf.tensor(plus, w.shape), b), up)).dataSync()[0]!;
        const fm = tf.sum(tf.mul(ref(x, tf.tensor(minus, w.shape), b), up)).dataSync()[0]!;
        // the output is linear in the filter, so the central difference is exact up to float32 rounding
        expect(Math.abs(gw[idx]! - (fp - fm) / (2 * h))).toBeLessThan(1e-2);
      }
    }
  });
});
