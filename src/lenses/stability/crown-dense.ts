// CROWN's backward step through a dense layer as blocked matrix products: Ain += A·W on the output
// units some row uses (the rest of W is never read), as dot products against a cached transpose of W,
// two rows by two columns at a time, so every load feeds one multiply-add and nothing is stored inside
// the loop. Coefficient rows that are mostly zero (the first step from a unit, or a conv net's
// receptive field) keep the scatter form that skips zeros.
//
// Rounding: every entry is still one sum of the same products a·w, only in another order, so the
// slack argument (TOLERANCE.onPlaneRel × the magnitude of the terms) is unchanged. denseBackPair's
// shortcut U·W = L·W + (U − L)·W adds one rounding of U − L (≤ 2⁻⁵³|U − L|) per entry it uses, of the
// same order as the product's own and far inside that slack.
import { DenseOp } from "../../core/network.js";
import { gemmNTSimd } from "../../core/linalg/simd-gemm.js";
import { transposedWeight } from "../../core/linalg/transpose.js";

/** The constant part of m linear functionals, with the magnitude of the terms that formed it (for the rounding slack). */
export interface Offsets {
  d: Float64Array;
  mag: Float64Array;
}

/** Below this fraction of non-zero entries in the packed rows, the zero-skipping scatter is cheaper. */
const SPARSE = 0.2;

/** Wᵀ (inSize × outSize), computed once per weight array. */
function transposeOf(op: DenseOp): Float64Array {
  return transposedWeight(op.weight, op.inSize, op.outSize);
}

/** Columns of W (as rows of Wᵀ) restricted to the output units `idx`: BT[i·K + k] = W[idx[k], i]. */
function packColumns(op: DenseOp, idx: Int32Array): Float64Array {
  const { inSize, outSize } = op, K = idx.length, WT = transposeOf(op);
  if (K === outSize) return WT;
  const BT = new Float64Array(inSize * K);
  for (let i = 0; i < inSize; i++) {
    const src = i * outSize, dst = i * K;
    for (let k = 0; k < K; k++) BT[dst + k] = WT[src + idx[k]!]!;
  }
  return BT;
}

/** A (m × outSize) restricted to the columns idx, row-major m × K; returns it with its non-zero count. */
function packRows(A: Float64Array, m: number, outSize: number, idx: Int32Array): { P: Float64Array; nnz: number } {
  const K = idx.length, P = new Float64Array(m * K);
  let nnz = 0;
  for (let r = 0; r < m; r++) {
    const src = r * outSize, dst = r * K;
    for (let k = 0; k < K; k++) { const a = A[src + idx[k]!]!; P[dst + k] = a; if (a !== 0) nnz++; }
  }
  return { P, nnz };
}

/** C[r·N + i] += Σ_k A[r·K + k]·BT[i·K + k], two rows by two columns at a time. */
function gemmNT(M: number, N: number, K: number, A: Float64Array, BT: Float64Array, C: Float64Array): void {
  let r = 0;
  for (; r + 1 < M; r += 2) {
    const a0 = r * K, a1 = a0 + K, c0 = r * N, c1 = c0 + N;
    let i = 0;
    for (; i + 1 < N; i += 2) {
      const b0 = i * K, b1 = b0 + K;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k]!, x1 = A[a1 + k]!, y0 = BT[b0 + k]!, y1 = BT[b1 + k]!;
        s00 += x0 * y0; s01 += x0 * y1; s10 += x1 * y0; s11 += x1 * y1;
      }
      C[c0 + i] += s00; C[c0 + i + 1] += s01; C[c1 + i] += s10; C[c1 + i + 1] += s11;
    }
    if (i < N) {
      const b0 = i * K;
      let s0 = 0, s1 = 0;
      for (let k = 0; k < K; k++) { const y = BT[b0 + k]!; s0 += A[a0 + k]! * y; s1 += A[a1 + k]! * y; }
      C[c0 + i] += s0; C[c1 + i] += s1;
    }
  }
  if (r < M) {
    const a0 = r * K, c0 = r * N;
    let i = 0;
    for (; i + 1 < N; i += 2) {
      const b0 = i * K, b1 = b0 + K;
      let s0 = 0, s1 = 0;
      for (let k = 0; k < K; k++) { const x = A[a0 + k]!; s0 += x * BT[b0 + k]!; s1 += x * BT[b1 + k]!; }
      C[c0 + i] += s0; C[c0 + i + 1] += s1;
    }
    if (i < N) {
      const b0 = i * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a0 + k]! * BT[b0 + k]!;
      C[c0 + i] += s;
    }
  }
}

/** The scatter form on packed rows: C[r,:] += a·W[idx[k],:] for every non-zero a. */
function scatter(op: DenseOp, M: number, K: number, A: Float64Array, idx: Int32Array, C: Float64Array): void {
  const { inSize, weight: W } = op;
  for (let r = 0; r < M; r++) {
    const ar = r * K, cr = r * inSize;
    for (let k = 0; k < K; k++) {
      const a = A[ar + k]!;
      if (a === 0) continue;
      const wr = idx[k]! * inSize;
      for (let i = 0; i < inSize; i++) C[cr + i] += a * W[wr + i]!;
    }
  }
}

/** Ain += P·W[idx, :] for packed rows P (m × K), choosing scatter or blocked product by density. */
function product(op: DenseOp, m: number, idx: Int32Array, P: Float64Array, nnz: number, Ain: Float64Array, bt: () => Float64Array): void {
  if (nnz < SPARSE * m * idx.length) scatter(op, m, idx.length, P, idx, Ain);
  else {
    const BT = bt();
    if (!gemmNTSimd(m, op.inSize, idx.length, P, BT, Ain)) gemmNT(m, op.inSize, idx.length, P, BT, Ain);
  }
}

/** d[r] += A[r,:]·b and its magnitude, over the used columns. */
function offsets(op: DenseOp, P: Float64Array, m: number, idx: Int32Array, off: Offsets): void {
  const K = idx.length, b = op.bias;
  for (let r = 0; r < m; r++) {
    let d = 0, dm = 0;
    for (let k = 0; k < K; k++) { const t = P[r * K + k]! * b[idx[k]!]!; d += t; dm += Math.abs(t); }
    off.d[r] += d; off.mag[r] += dm;
  }
}

/** Output units that some row of any of the matrices uses. */
function usedColumns(mats: Float64Array[], m: number, n: number): Int32Array {
  const used = new Uint8Array(n);
  for (const A of mats) for (let r = 0; r < m; r++) for (let o = 0; o < n; o++) if (A[r * n + o] !== 0) used[o] = 1;
  const idx: number[] = [];
  for (let o = 0; o < n; o++) if (used[o]) idx.push(o);
  return Int32Array.from(idx);
}

/** Dense: Ain[r] += Σ_o A[r,o]·W[o,:]; d[r] += A[r,:]·b. */
export function denseBack(op: DenseOp, A: Float64Array, m: number, Ain: Float64Array, off: Offsets): void {
  const idx = usedColumns([A], m, op.outSize);
  if (idx.length === 0) return;
  const { P, nnz } = packRows(A, m, op.outSize, idx);
  offsets(op, P, m, idx, off);
  product(op, m, idx, P, nnz, Ain, () => packColumns(op, idx));
}

/**
 * The lower- and upper-side rows together: W is packed once, and where the two sides differ only on a
 * few units (after one activation they differ only on its unstable units), U·W is L·W plus (U − L)·W
 * on those units.
 */
export function denseBackPair(op: DenseOp, L: Float64Array, U: Float64Array, m: number, tL: Float64Array, tU: Float64Array, offL: Offsets, offU: Offsets): void {
  const n = op.outSize, inSize = op.inSize;
  const idx = usedColumns([L, U], m, n);
  if (idx.length === 0) return;
  let bt: Float64Array | undefined;
  const cols = (): Float64Array => (bt ??= packColumns(op, idx));
  const pl = packRows(L, m, n, idx), pu = packRows(U, m, n, idx);
  offsets(op, pl.P, m, idx, offL); offsets(op, pu.P, m, idx, offU);
  const K = idx.length, differ: number[] = [];
  for (let k = 0; k < K; k++) {
    for (let r = 0; r < m; r++) if (pl.P[r * K + k] !== pu.P[r * K + k]) { differ.push(k); break; }
  }
  if (differ.length > K / 2) {
    product(op, m, idx, pl.P, pl.nnz, tL, cols);
    product(op, m, idx, pu.P, pu.nnz, tU, cols);
    return;
  }
  const shared = new Float64Array(m * inSize);
  product(op, m, idx, pl.P, pl.nnz, shared, cols);
  for (let i = 0; i < shared.length; i++) { const v = shared[i]!; tL[i] += v; tU[i] += v; }
  if (differ.length === 0) return;
  const didx = Int32Array.from(differ, (k) => idx[k]!), D = differ.length;
  const Dp = new Float64Array(m * D);
  let nnz = 0;
  for (let r = 0; r < m; r++) for (let j = 0; j < D; j++) {
    const k = differ[j]!, v = pu.P[r * K + k]! - pl.P[r * K + k]!;
    Dp[r * D + j] = v; if (v !== 0) nnz++;
  }
  product(op, m, didx, Dp, nnz, tU, () => packColumns(op, didx));
}
