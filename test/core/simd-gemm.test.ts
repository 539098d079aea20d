// The wasm SIMD product that CROWN's dense steps use: the same sums as the plain loop to 1e-12 of the
// terms' magnitude, on odd and even sizes, accumulated into C; the committed bytes are gemm.wat's.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { densePackedSimd, gemmNTHeld, gemmNTSimd, ibpDenseSimd, simdGemmAvailable } from "../../src/core/linalg/simd-gemm.js";
import { denseMap, packMap } from "../../src/lenses/regions/affine.js";
import { createRng } from "../../src/core/random.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Largest |C − (C0 + A·BTᵀ)| over Σ|terms| (with |C0|), the plain sums as the reference. */
function worstNT(M: number, N: number, K: number, A: Float64Array, BT: Float64Array, C0: Float64Array, C: Float64Array): number {
  let worst = 0;
  for (let r = 0; r < M; r++) for (let i = 0; i < N; i++) {
    let sum = 0, mag = Math.abs(C0[r * N + i]!);
    for (let k = 0; k < K; k++) { const t = A[r * K + k]! * BT[i * K + k]!; sum += t; mag += Math.abs(t); }
    worst = Math.max(worst, Math.abs(C[r * N + i]! - (C0[r * N + i]! + sum)) / mag);
  }
  return worst;
}

describe("wasm SIMD gemm", () => {
  it("runs on Node 20 (WebAssembly SIMD)", () => {
    expect(simdGemmAvailable()).toBe(true);
  });

  it("C += A·BTᵀ equals the plain sums to 1e-12 of Σ|a·b|, for odd and even M, N, K, into a non-zero C", () => {
    const rng = createRng(11);
    for (const [M, N, K] of [[72, 784, 240], [7, 33, 19], [16, 17, 64], [3, 256, 255], [31, 9, 1024]] as const) {
      const A = Float64Array.from({ length: M * K }, () => rng.normal());
      const BT = Float64Array.from({ length: N * K }, () => rng.normal() * 1e3);
      const C0 = Float64Array.from({ length: M * N }, () => rng.normal());
      const C = Float64Array.from(C0);
      expect(gemmNTSimd(M, N, K, A, BT, C)).toBe(true);
      expect(worstNT(M, N, K, A, BT, C0, C)).toBeLessThan(1e-12);
      // A wrong pairing (a swapped operand, a skipped padding) is far outside that.
      expect(C.some((v, j) => v !== C0[j])).toBe(true);
    }
  });

  it("declines products too small to gain (C untouched), and a second, larger call grows the memory", () => {
    const C = new Float64Array(4).fill(1);
    expect(gemmNTSimd(2, 2, 2, new Float64Array(4).fill(1), new Float64Array(4).fill(1), C)).toBe(false);
    expect(Array.from(C)).toEqual([1, 1, 1, 1]);
    const M = 300, N = 800, K = 300; // 4.3 MB of operands, more than the first calls needed
    const A = new Float64Array(M * K).fill(0.5), BT = new Float64Array(N * K).fill(2), big = new Float64Array(M * N);
    expect(gemmNTSimd(M, N, K, A, BT, big)).toBe(true);
    expect(big.every((v) => v === K)).toBe(true);
  });

  it("IBP's dense step: Σ w·c, Σ |w|·r, Σ |w|·xm per row to 1e-12 of their magnitude, odd and even widths, W cached per array", () => {
    const rng = createRng(12);
    for (const [n, K] of [[256, 784], [33, 255], [17, 257]] as const) {
      const W = Float64Array.from({ length: n * K }, () => rng.normal());
      const c = Float64Array.from({ length: K }, () => rng.normal()), r = Float64Array.from({ length: K }, () => Math.abs(rng.normal()));
      const xm = c.map((v, i) => Math.abs(v) + r[i]!);
      for (let round = 0; round < 2; round++) { // the second call reuses the instance that holds W
        const out = new Float64Array(3 * n);
        expect(ibpDenseSimd(W, n, K, c, r, xm, out)).toBe(true);
        let worst = 0;
        for (let o = 0; o < n; o++) {
          let sc = 0, sr = 0, sm = 0;
          for (let i = 0; i < K; i++) { const w = W[o * K + i]!; sc += w * c[i]!; sr += Math.abs(w) * r[i]!; sm += Math.abs(w) * xm[i]!; }
          worst = Math.max(worst, Math.abs(out[3 * o]! - sc) / sm, Math.abs(out[3 * o + 1]! - sr) / sm, Math.abs(out[3 * o + 2]! - sm) / sm);
        }
        expect(worst).toBeLessThan(1e-12);
        c.reverse(); // other inputs, same W
        r.reverse(); xm.reverse();
      }
    }
    expect(ibpDenseSimd(new Float64Array(4), 2, 2, new Float64Array(2), new Float64Array(2), new Float64Array(2), new Float64Array(6))).toBe(false);
  });

  it("the partition's packed dense step: denseMap's bits exactly, odd and even widths (tail of 2 or 0 outputs), W cached per array", () => {
    const rng = createRng(12);
    const bits = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    for (const [inSize, outSize] of [[784, 256], [200, 200], [13, 7], [9, 5], [40, 10]] as const) {
      const W = Float64Array.from({ length: outSize * inSize }, () => rng.normal() / 7);
      const b = Float64Array.from({ length: outSize }, () => rng.normal());
      for (const density of [1, 0.2, 0.02]) {
        // A map with some units zero in every channel (off ReLUs), a -0 among them.
        const x = new Float64Array(3 * inSize);
        for (let i = 0; i < inSize; i++) if (rng.next() < density) for (let c = 0; c < 3; c++) x[c * inSize + i] = rng.normal() * 10 ** (3 * rng.next());
        x[inSize - 1] = -0;
        const active = new Int32Array(inSize), xa = new Float64Array(3 * inSize);
        const m = packMap(x, inSize, 3, active, xa);
        const want = new Float64Array(3 * outSize), got = new Float64Array(3 * outSize).fill(NaN);
        denseMap(W, b, inSize, outSize, 3, x, active, m, want);
        expect(densePackedSimd(W, b, inSize, outSize, active, xa, m, got)).toBe(true);
        expect(bits(got).equals(bits(want)), `${inSize}×${outSize} density ${density}`).toBe(true);
      }
    }
  });

  it("with BT held per array: the plain sums to 1e-12 into a non-zero C, the held copy reused with new A, more than 16 rows declined", () => {
    const rng = createRng(13);
    for (const [N, K] of [[256, 784], [15, 133], [200, 199]] as const) {
      const BT = Float64Array.from({ length: N * K }, () => rng.normal());
      for (const M of [4, 16, 3]) {
        const A = Float64Array.from({ length: M * K }, () => rng.normal() * 1e2);
        const C0 = Float64Array.from({ length: M * N }, () => rng.normal());
        const C = Float64Array.from(C0);
        expect(gemmNTHeld(M, N, K, A, BT, C)).toBe(true);
        expect(worstNT(M, N, K, A, BT, C0, C), `${M}×${N}×${K}`).toBeLessThan(1e-12);
      }
      const C = new Float64Array(17 * N);
      expect(gemmNTHeld(17, N, K, new Float64Array(17 * K).fill(1), BT, C)).toBe(false);
      expect(C.every((x) => x === 0)).toBe(true);
    }
  });

  it("the committed module is gemm.wat assembled (scripts/wasm.mjs --check)", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts/wasm.mjs"), "--check"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
