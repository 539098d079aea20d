// C += A·Bᵀ on wasm SIMD (f64x2), for the dense products of CROWN's backward pass. Measured on this
// project's machine (72 × 784 × 240, the first-layer step of mnist-net_256x4): 18 GFLOP/s against
// 4 GFLOP/s for the best JS loop (2×2 blocks, the same as crown-dense's). The operands are copied into
// the module's memory, padded with zeros to even sizes; each entry of C gets the same terms as the JS
// loop summed in another order (two lanes, added at the end), then one addition into C, as the JS loop
// does — inside the 1e-10 × magnitude slack that CROWN's bounds carry (see crown-dense.ts).
// Where WebAssembly SIMD is missing (old browsers), gemmNTSimd returns false and callers use their loop.
import { decodeBase64 } from "../base64.js";
import { GEMM_WASM } from "./gemm-wasm.js";

/** The part of the WebAssembly API used here (the core is typed without DOM or Node globals). */
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

interface Kernel {
  gemm: (M: number, N: number, K: number, a: number, bt: number, c: number) => void;
  mem: WasmMemory;
}

let kernel: Kernel | null | undefined;

function load(): Kernel | null {
  if (kernel !== undefined) return kernel;
  try {
    const bytes = decodeBase64(GEMM_WASM), wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (!bytes || !wasm) return (kernel = null);
    const inst = new wasm.Instance(new wasm.Module(bytes), {});
    kernel = { gemm: inst.exports.gemm as Kernel["gemm"], mem: inst.exports.mem as WasmMemory };
  } catch {
    kernel = null;
  }
  return kernel;
}

/** Whether the SIMD kernel runs here. */
export function simdGemmAvailable(): boolean {
  return load() !== null;
}

/** Below this many multiply-adds the copies cost more than the kernel saves. */
const MIN_WORK = 4096;

const even = (n: number): number => n + (n & 1);

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
  const need = end * 8 - k.mem.buffer.byteLength;
  if (need > 0) {
    try {
      k.mem.grow(Math.ceil(need / 65536));
    } catch {
      return false; // the module's memory cannot grow that far: the caller's loop does the product
    }
  }
  const f = new Float64Array(k.mem.buffer, 0, end);
  if (K2 === K) {
    f.set(A.subarray(0, M * K), aOff);
    f.set(BT.subarray(0, N * K), btOff);
  } else {
    for (let r = 0; r < M; r++) { f.set(A.subarray(r * K, (r + 1) * K), aOff + r * K2); f[aOff + r * K2 + K] = 0; }
    for (let i = 0; i < N; i++) { f.set(BT.subarray(i * K, (i + 1) * K), btOff + i * K2); f[btOff + i * K2 + K] = 0; }
  }
  if (M2 > M) f.fill(0, aOff + M * K2, aOff + M2 * K2);
  if (N2 > N) f.fill(0, btOff + N * K2, btOff + N2 * K2);
  f.fill(0, cOff, end);
  k.gemm(M2, N2, K2, aOff * 8, btOff * 8, cOff * 8);
  for (let r = 0; r < M; r++) {
    const src = cOff + r * N2, dst = r * N;
    for (let i = 0; i < N; i++) C[dst + i] += f[src + i]!;
  }
  return true;
}
