// Constant folding: the tensor arithmetic needed to evaluate constant subgraphs (shape
// computations, normalisation constants) at import time.
import { fail } from "../errors.js";
import { Tensor, TensorContext } from "./onnx-tensor.js";

/** Number of elements for dims. */
export function numel(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let k = dims.length - 2; k >= 0; k--) s[k] = s[k + 1]! * dims[k + 1]!;
  return s;
}

/** Numpy-style broadcast of two shapes, or undefined when they do not broadcast. */
export function broadcastDims(a: readonly number[], b: readonly number[]): number[] | undefined {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let k = 0; k < r; k++) {
    const x = a[a.length - r + k] ?? 1, y = b[b.length - r + k] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Expand a tensor to `dims` by broadcasting (dims must be a broadcast of t.dims). */
export function expandTo(t: Tensor, dims: readonly number[]): Float64Array {
  const n = numel(dims);
  const out = new Float64Array(n);
  const r = dims.length, off = r - t.dims.length;
  const src = strides(t.dims);
  const idx = new Array<number>(r).fill(0);
  for (let i = 0; i < n; i++) {
    let j = 0;
    for (let k = off; k < r; k++) if (t.dims[k - off] !== 1) j += idx[k]! * src[k - off]!;
    out[i] = t.data[j]!;
    for (let k = r - 1; k >= 0; k--) {
      if (++idx[k]! < dims[k]!) break;
      idx[k] = 0;
    }
  }
  return out;
}

/** Element-wise binary op with broadcasting. */
export function binary(a: Tensor, b: Tensor, f: (x: number, y: number) => number, ctx: TensorContext): Tensor {
  const dims = broadcastDims(a.dims, b.dims);
  if (!dims) fail("SHAPE_MISMATCH", `constants of shapes [${a.dims.join(",")}] and [${b.dims.join(",")}] do not broadcast`, ctx);
  const x = expandTo(a, dims), y = expandTo(b, dims);
  const data = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) data[i] = f(x[i]!, y[i]!);
  return { dims, data };
}

/** Permute the axes of a constant. */
export function transpose(t: Tensor, perm?: readonly number[]): Tensor {
  const r = t.dims.length;
  const p = perm && perm.length === r ? perm : t.dims.map((_, k) => r - 1 - k);
  if (r === 2 && p[0] === 1) {
    const [m, n] = t.dims as [number, number];
    const data = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) data[j * m + i] = t.data[i * n + j]!;
    return { dims: [n, m], data };
  }
  const dims = p.map((k) => t.dims[k]!);
  const src = strides(t.dims);
  const n = t.data.length;
  const data = new Float64Array(n);
  const idx = new Array<number>(r).fill(0);
  for (let i = 0; i < n; i++) {
    let j = 0;
    for (let k = 0; k < r; k++) j += idx[k]! * src[p[k]!]!;
    data[i] = t.data[j]!;
    for (let k = r - 1; k >= 0; k--) {
      if (++idx[k]! < dims[k]!) break;
      idx[k] = 0;
    }
  }
  return { dims, data };
}

/** Matrix product of two constants of rank 1 or 2 (numpy matmul semantics for these ranks). */
export function matmul(a: Tensor, b: Tensor, ctx: TensorContext): Tensor {
  if (a.dims.length < 1 || a.dims.length > 2 || b.dims.length < 1 || b.dims.length > 2) {
    fail("UNSUPPORTED_OP", `MatMul of constants of rank ${a.dims.length} and ${b.dims.length}; netsize folds ranks 1-2`, ctx);
  }
  const [m, k] = a.dims.length === 2 ? [a.dims[0]!, a.dims[1]!] : [1, a.dims[0]!];
  const [k2, n] = b.dims.length === 2 ? [b.dims[0]!, b.dims[1]!] : [b.dims[0]!, 1];
  if (k !== k2) fail("SHAPE_MISMATCH", `MatMul of [${a.dims.join(",")}] and [${b.dims.join(",")}]`, ctx);
  const data = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let q = 0; q < k; q++) s += a.data[i * k + q]! * b.data[q * n + j]!;
    data[i * n + j] = s;
  }
  const dims = [...(a.dims.length === 2 ? [m] : []), ...(b.dims.length === 2 ? [n] : [])];
  return { dims, data };
}

/** Normalise a possibly negative axis for rank r. */
export function axisOf(axis: number, r: number, ctx: TensorContext): number {
  const a = axis < 0 ? axis + r : axis;
  if (!Number.isInteger(a) || a < 0 || a >= r) fail("BAD_MODEL", `axis ${axis} is out of range for rank ${r}`, ctx);
  return a;
}

/** Gather along an axis with constant indices. */
export function gather(t: Tensor, indices: Tensor, axis: number, ctx: TensorContext): Tensor {
  const ax = axisOf(axis, t.dims.length, ctx);
  const outer = numel(t.dims.slice(0, ax)), inner = numel(t.dims.slice(ax + 1)), len = t.dims[ax]!;
  const m = indices.data.length;
  const data = new Float64Array(outer * m * inner);
  for (let o = 0; o < outer; o++) for (let q = 0; q < m; q++) {
    let j = indices.data[q]!;
    if (j < 0) j += len;
    if (!(j >= 0 && j < len)) fail("BAD_MODEL", `Gather index ${indices.data[q]} is out of range ${len}`, ctx);
    for (let i = 0; i < inner; i++) data[(o * m + q) * inner + i] = t.data[(o * len + j) * inner + i]!;
  }
  return { dims: [...t.dims.slice(0, ax), ...indices.dims, ...t.dims.slice(ax + 1)], data };
}

/** Concatenate constants along an axis. */
export function concat(ts: readonly Tensor[], axis: number, ctx: TensorContext): Tensor {
  const r = ts[0]!.dims.length;
  const ax = axisOf(axis, r, ctx);
  const outer = numel(ts[0]!.dims.slice(0, ax));
  const dims = [...ts[0]!.dims];
  dims[ax] = ts.reduce((s, t) => s + t.dims[ax]!, 0);
  const data = new Float64Array(numel(dims));
  let p = 0;
  for (let o = 0; o < outer; o++) for (const t of ts) {
    const chunk = numel(t.dims.slice(ax));
    data.set(t.data.subarray(o * chunk, (o + 1) * chunk), p);
    p += chunk;
  }
  return { dims, data };
}

/** Slice a constant (ONNX Slice with constant starts/ends/axes/steps). */
export function slice(t: Tensor, starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined, ctx: TensorContext): Tensor {
  const r = t.dims.length;
  const lo = t.dims.map(() => 0), hi = [...t.dims], st = t.dims.map(() => 1);
  starts.forEach((s, q) => {
    const ax = axisOf(axes?.[q] ?? q, r, ctx), d = t.dims[ax]!, step = steps?.[q] ?? 1;
    if (step !== 1) fail("UNSUPPORTED_OP", `Slice with step ${step}; netsize folds step 1 only`, ctx);
    const clamp = (v: number): number => Math.min(d, Math.max(0, v < 0 ? v + d : v));
    lo[ax] = clamp(s);
    hi[ax] = Math.max(lo[ax]!, clamp(ends[q]!));
    st[ax] = step;
  });
  const dims = lo.map((l, k) => hi[k]! - l);
  const src = strides(t.dims);
  const data = new Float64Array(numel(dims));
  const idx = new Array<number>(r).fill(0);
  for (let i = 0; i < data.length; i++) {
    let j = 0;
    for (let k = 0; k < r; k++) j += (lo[k]! + idx[k]!) * src[k]!;
    data[i] = t.data[j]!;
    for (let k = r - 1; k >= 0; k--) {
      if (++idx[k]! < dims[k]!) break;
      idx[k] = 0;
    }
  }
  return { dims, data };
}

/** Resolve an ONNX Reshape target (0 copies, -1 infers) against input dims. */
export function reshapeDims(input: readonly number[], target: readonly number[], allowZero: boolean, ctx: TensorContext): number[] {
  const out = target.map((d, k) => (d === 0 && !allowZero ? input[k]! : d));
  const known = out.filter((d) => d !== -1);
  const minus = out.length - known.length;
  const n = numel(input), m = numel(known);
  if (minus > 1 || out.some((d) => d < -1 || d === undefined)) fail("BAD_MODEL", `Reshape target [${target.join(",")}] is invalid`, ctx);
  if (minus === 1) {
    if (m === 0 || n % m !== 0) fail("SHAPE_MISMATCH", `cannot reshape [${input.join(",")}] to [${target.join(",")}]`, ctx);
    out[out.indexOf(-1)] = n / m;
  } else if (m !== n) fail("SHAPE_MISMATCH", `cannot reshape [${input.join(",")}] to [${target.join(",")}]`, ctx);
  return out;
}
