// Dense products on wasm SIMD (f64x2): C += A·Bᵀ for CROWN's backward pass (and, with B held per
// matrix, gemmNTHeld for the stability search), IBP's dense step (ibpDenseSimd) and the exact
// partition's packed dense step (densePackedSimd, bit-exact), below. Measured on this
// project's machine (72 × 784 × 240, the first-layer step of mnist-net_256x4): 18 GFLOP/s against
// 4 GFLOP/s for the best JS loop (2×2 blocks, the same as crown-dense's). The operands are copied into
// the module's memory, padded with zeros to even sizes; each entry of C gets the same terms as the JS
// loop summed in another order (two lanes, added at the end), then one addition into C, as the JS loop
// does — inside the 1e-10 × magnitude slack that CROWN's bounds carry (see crown-dense.ts).
// Where WebAssembly SIMD is missing (old browsers), gemmNTSimd returns false and callers use their loop.
import { decodeBase64 } from "../base64.js";
import { GEMM_WASM } from "./gemm-wasm.js";
import { transposedWeight } from "./transpose.js";

/** The part of the WebAssembly API used here (the core is typed without DOM or Node globals). */
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

interface Kernel {
  gemm: (M: number, N: number, K: number, a: number, bt: number, c: number) => void;
  ibp: (n: number, K: number, w: number, c: number, r: number, m: number, out: number) => void;
  dense3: (m: number, n2: number, wt: number, xa: number, act: number, bias: number, y: number) => void;
  mem: WasmMemory;
}

let compiled: { wasm: WasmApi; module: object } | null | undefined;
let kernel: Kernel | null | undefined;

/** A new instance of the module (its own memory), or null where WebAssembly (SIMD) is unavailable. */
function instantiate(): Kernel | null {
  try {
    if (compiled === undefined) {
      const bytes = decodeBase64(GEMM_WASM), wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
      compiled = bytes && wasm ? { wasm, module: new wasm.Module(bytes) } : null;
    }
    if (!compiled) return null;
    const e = new compiled.wasm.Instance(compiled.module, {}).exports;
    return { gemm: e.gemm as Kernel["gemm"], ibp: e.ibp as Kernel["ibp"], dense3: e.dense3 as Kernel["dense3"], mem: e.mem as WasmMemory };
  } catch {
    compiled = null;
    return null;
  }
}

function load(): Kernel | null {
  if (kernel === undefined) kernel = instantiate();
  return kernel;
}

/** Grow a module's memory to hold `bytes`; false where it cannot. */
function fit(mem: WasmMemory, bytes: number): boolean {
  const need = bytes - mem.buffer.byteLength;
  if (need <= 0) return true;
  try {
    mem.grow(Math.ceil(need / 65536));
    return true;
  } catch {
    return false;
  }
}

/** Whether the SIMD kernel runs here. */
export function simdGemmAvailable(): boolean {
  return load() !== null;
}

/** Below this many multiply-adds the copies cost more than the kernel saves. */
const MIN_WORK = 4096;

const even = (n: number): number => n + (n & 1);

/** Rows of X (rows × K) into f at off, each padded with zeros to even(K) and a zero row to even(rows). */
function stageRows(f: Float64Array, off: number, X: Float64Array, rows: number, K: number): void {
  const K2 = even(K);
  if (K2 === K) f.set(X.subarray(0, rows * K), off);
  else for (let r = 0; r < rows; r++) { f.set(X.subarray(r * K, (r + 1) * K), off + r * K2); f[off + r * K2 + K] = 0; }
  if (rows & 1) f.fill(0, off + rows * K2, off + (rows + 1) * K2);
}

/** C (M × N) += the kernel's result at f[cOff..] (M rows of even(N)). */
function addBack(f: Float64Array, cOff: number, M: number, N: number, C: Float64Array): void {
  const N2 = even(N);
  for (let r = 0; r < M; r++) {
    const src = cOff + r * N2, dst = r * N;
    for (let i = 0; i < N; i++) C[dst + i] += f[src + i]!;
  }
}

/**
 * C[r·N + i] += Σ_k A[r·K + k]·BT[i·K + k] (row-major, C accumulated into). Returns false and leaves C
 * untouched when WebAssembly SIMD is unavailable or the product is too small to gain.
 */
export function gemmNTSimd(M: number, N: number, K: number, A: Float64Array, BT: Float64Array, C: Float64Array): boolean {
  if (M * N * K < MIN_WORK) return false;
  const k = load();
  if (!k) return false;
  const M2 = even(M), N2 = even(N), K2 = even(K);
  const aOff = 0, btOff = aOff + M2 * K2, cOff = btOff + N2 * K2, end = cOff + M2 * N2;
  if (!fit(k.mem, end * 8)) return false; // the caller's loop does the product
  const f = new Float64Array(k.mem.buffer, 0, end);
  stageRows(f, aOff, A, M, K);
  stageRows(f, btOff, BT, N, K);
  f.fill(0, cOff, end);
  k.gemm(M2, N2, K2, aOff * 8, btOff * 8, cOff * 8);
  addBack(f, cOff, M, N, C);
  return true;
}

/**
 * A new module instance whose memory (`end` float64s) starts with X (rows × K) row by row, each row
 * padded to even(K) with zeros (fresh memory is zero); null where the kernel or the memory is missing.
 */
function holding(X: Float64Array, rows: number, K: number, end: number): { k: Kernel; f: Float64Array } | null {
  const k = instantiate();
  if (!k || !fit(k.mem, end * 8)) return null;
  const f = new Float64Array(k.mem.buffer, 0, end), K2 = even(K);
  for (let r = 0; r < rows; r++) f.set(X.subarray(r * K, (r + 1) * K), r * K2);
  return { k, f };
}

/**
 * IBP's dense layers: one module instance per weight matrix, W copied into its memory once and freed with
 * W. Like the cached transposes (transpose.ts), this assumes a network's weight arrays are not written
 * after it is built (netsize builds new arrays for every new network: compression, training snapshots).
 */
interface IbpLayer { k: Kernel; f: Float64Array; n: number; K: number; K2: number; cOff: number; rOff: number; mOff: number; outOff: number }
const ibpLayers = new WeakMap<Float64Array, IbpLayer | null>();

function ibpLayer(W: Float64Array, n: number, K: number): IbpLayer | null {
  let l = ibpLayers.get(W);
  if (l !== undefined && (l === null || (l.n === n && l.K === K))) return l;
  l = null;
  const K2 = even(K), cOff = n * K2, rOff = cOff + K2, mOff = rOff + K2, outOff = mOff + K2;
  const held = holding(W, n, K, outOff + 3 * n);
  if (held) l = { ...held, n, K, K2, cOff, rOff, mOff, outOff };
  ibpLayers.set(W, l);
  return l;
}

/**
 * IBP's dense step on wasm SIMD: for each row o, sc = Σ w·c, sr = Σ |w|·r, sm = Σ |w|·xm (the terms of
 * ibp.ts's loop, in another order: inside the tolerance's slack like any reordering), written to
 * out[3o], out[3o+1], out[3o+2]. False (out untouched) where the kernel is unavailable or the layer too small.
 */
export function ibpDenseSimd(W: Float64Array, n: number, K: number, c: Float64Array, r: Float64Array, xm: Float64Array, out: Float64Array): boolean {
  if (n * K < MIN_WORK) return false;
  const l = ibpLayer(W, n, K);
  if (!l) return false;
  const f = l.f;
  f.set(c.subarray(0, K), l.cOff); f.set(r.subarray(0, K), l.rOff); f.set(xm.subarray(0, K), l.mOff);
  l.k.ibp(n, l.K2, 0, l.cOff * 8, l.rOff * 8, l.mOff * 8, l.outOff * 8);
  out.set(f.subarray(l.outOff, l.outOff + 3 * n));
  return true;
}

/**
 * The exact partition's dense layers (regions/affine.ts densePacked): one module instance per weight
 * matrix holds its transpose (in × n2, n2 = outSize rounded up to even, padding 0) and bias, copied
 * once, with views made after the memory's one growth. Same immutability assumption as above.
 */
interface DenseLayer { k: Kernel; bias: Float64Array; outSize: number; n2: number; f: Float64Array; i32: Int32Array; biasOff: number; yOff: number; xaOff: number; actOff: number }
const denseLayers = new WeakMap<Float64Array, DenseLayer | null>();

function denseLayer(weight: Float64Array, bias: Float64Array, inSize: number, outSize: number): DenseLayer | null {
  let l = denseLayers.get(weight);
  if (l !== undefined && (l === null || (l.bias === bias && l.outSize === outSize))) return l;
  l = null;
  const n2 = even(outSize), biasOff = inSize * n2, yOff = biasOff + n2, xaOff = yOff + 3 * n2, actOff = xaOff + 3 * inSize, end = actOff + Math.ceil(inSize / 2);
  const held = holding(transposedWeight(weight, inSize, outSize), inSize, outSize, end);
  if (held) {
    held.f.set(bias.subarray(0, outSize), biasOff);
    l = { ...held, bias, outSize, n2, i32: new Int32Array(held.k.mem.buffer, 0, 2 * end), biasOff, yOff, xaOff, actOff };
  }
  denseLayers.set(weight, l);
  return l;
}

/**
 * densePacked's K = 3 product on wasm SIMD: y[c·outSize + o] = (c = 2 ? bias[o] : 0) + Σ_q W[o, active[q]]·xa[3q + c],
 * each sum's terms added in q order, so the same bits as the JS loop. False (y untouched) where the
 * kernel is unavailable.
 */
export function densePackedSimd(weight: Float64Array, bias: Float64Array, inSize: number, outSize: number, active: Int32Array, xa: Float64Array, m: number, y: Float64Array): boolean {
  const l = denseLayer(weight, bias, inSize, outSize);
  if (!l) return false;
  const { f, n2, yOff } = l;
  f.set(xa.subarray(0, 3 * m), l.xaOff);
  l.i32.set(active.subarray(0, m), 2 * l.actOff);
  l.k.dense3(m, n2, 0, l.xaOff * 8, l.actOff * 8, l.biasOff * 8, yOff * 8);
  y.set(f.subarray(yOff, yOff + outSize), 0);
  y.set(f.subarray(yOff + n2, yOff + n2 + outSize), outSize);
  y.set(f.subarray(yOff + 2 * n2, yOff + 2 * n2 + outSize), 2 * outSize);
  return true;
}

/**
 * gemmNTSimd with BT held: one module instance per BT array holds it (padded to N2 × K2, copied once) and
 * room for up to MAX_HELD_ROWS rows of A and C, so a call copies only A in and C out — for many small
 * products with one matrix (the stability search's forward and backward passes, 4–16 points at a time).
 * Same immutability assumption as above.
 */
interface HeldB { k: Kernel; N: number; K: number; N2: number; K2: number; aOff: number; cOff: number; f: Float64Array }
const heldBs = new WeakMap<Float64Array, HeldB | null>();
const MAX_HELD_ROWS = 16;

function heldB(BT: Float64Array, N: number, K: number): HeldB | null {
  let h = heldBs.get(BT);
  if (h !== undefined && (h === null || (h.N === N && h.K === K))) return h;
  h = null;
  const N2 = even(N), K2 = even(K), aOff = N2 * K2, cOff = aOff + MAX_HELD_ROWS * K2;
  const held = holding(BT, N, K, cOff + MAX_HELD_ROWS * N2);
  if (held) h = { k: held.k, N, K, N2, K2, aOff, cOff, f: held.f };
  heldBs.set(BT, h);
  return h;
}

/**
 * C[r·N + i] += Σ_k A[r·K + k]·BT[i·K + k] for r < M ≤ 16, with BT held in its module instance (see
 * heldB). The same sums as gemmNTSimd. False (C untouched) where the kernel is unavailable, M is too
 * large or the product too small.
 */
export function gemmNTHeld(M: number, N: number, K: number, A: Float64Array, BT: Float64Array, C: Float64Array): boolean {
  if (M > MAX_HELD_ROWS || M * N * K < MIN_WORK) return false;
  const h = heldB(BT, N, K);
  if (!h) return false;
  const { f, K2, N2, aOff, cOff } = h, M2 = even(M);
  stageRows(f, aOff, A, M, K);
  f.fill(0, cOff, cOff + M2 * N2);
  h.k.gemm(M2, N2, K2, aOff * 8, 0, cOff * 8);
  addBack(f, cOff, M, N, C);
  return true;
}
