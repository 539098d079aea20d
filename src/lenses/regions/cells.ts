/**
 * Geometry of cells in slice coordinates: 1-D cells are intervals [t0, t1] (two "vertices"),
 * 2-D cells are convex polygons with counter-clockwise vertices. Vertices live in flat Float64Arrays
 * (k numbers per vertex); a cell is an (offset, vertex count) pair into such an array.
 */

/** A growable Float64Array: callers `reserve` room, then write at `n` and advance it. */
export class F64Buf {
  a: Float64Array;
  n = 0;
  constructor(capacity = 1024) { this.a = new Float64Array(Math.max(16, capacity)); }
  /** Make room for `extra` more values. */
  reserve(extra: number): void {
    if (this.n + extra <= this.a.length) return;
    const b = new Float64Array(Math.max(this.n + extra, this.a.length * 2));
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
  /** A copy of the used part. */
  take(): Float64Array { return this.a.slice(0, this.n); }
}

/** A growable Int32Array. */
export class I32Buf {
  a: Int32Array;
  n = 0;
  constructor(capacity = 1024) { this.a = new Int32Array(Math.max(16, capacity)); }
  /** Make room for `extra` more values. */
  reserve(extra: number): void {
    if (this.n + extra <= this.a.length) return;
    const b = new Int32Array(Math.max(this.n + extra, this.a.length * 2));
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
  /** Append one value. */
  push(v: number): void { if (this.n === this.a.length) this.reserve(1); this.a[this.n++] = v; }
  /** A copy of the used part. */
  take(): Int32Array { return this.a.slice(0, this.n); }
}

/** A growable Uint8Array. */
export class U8Buf {
  a: Uint8Array;
  n = 0;
  constructor(capacity = 1024) { this.a = new Uint8Array(Math.max(16, capacity)); }
  /** Make room for `extra` more values. */
  reserve(extra: number): void {
    if (this.n + extra <= this.a.length) return;
    const b = new Uint8Array(Math.max(this.n + extra, this.a.length * 2));
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
}

/** Length (k = 1) or area (k = 2, shoelace) of a cell. */
export function cellMeasure(k: number, v: Float64Array, off: number, n: number): number {
  if (k === 1) return Math.abs(v[off + 1]! - v[off]!);
  let s = 0;
  const x0 = v[off]!, y0 = v[off + 1]!;
  // Shoelace relative to the first vertex keeps the terms small for cells far from the origin.
  for (let i = 1; i + 1 < n; i++) {
    const ax = v[off + 2 * i]! - x0, ay = v[off + 2 * i + 1]! - y0;
    const bx = v[off + 2 * i + 2]! - x0, by = v[off + 2 * i + 3]! - y0;
    s += ax * by - ay * bx;
  }
  return s / 2;
}

/** Interior point of a cell: the midpoint of an interval, the area centroid of a polygon (vertex mean if degenerate). */
export function cellCentroid(k: number, v: Float64Array, off: number, n: number, out: Float64Array): void {
  if (k === 1) { out[0] = (v[off]! + v[off + 1]!) / 2; return; }
  const x0 = v[off]!, y0 = v[off + 1]!;
  // Offsets are scaled by a power of two S (exact: the same roundings as unscaled), so the cubic terms
  // t·(ax + bx) neither overflow for cells of size 1e150 nor underflow for cells of size 1e-150.
  let m = 0;
  for (let i = 1; i < n; i++) m = Math.max(m, Math.abs(v[off + 2 * i]! - x0), Math.abs(v[off + 2 * i + 1]! - y0));
  const S = m > 0 && m < Infinity ? 2 ** Math.floor(Math.log2(m)) : 1;
  let a = 0, cx = 0, cy = 0;
  for (let i = 1; i + 1 < n; i++) {
    const ax = (v[off + 2 * i]! - x0) / S, ay = (v[off + 2 * i + 1]! - y0) / S;
    const bx = (v[off + 2 * i + 2]! - x0) / S, by = (v[off + 2 * i + 3]! - y0) / S;
    const t = ax * by - ay * bx;
    a += t; cx += t * (ax + bx); cy += t * (ay + by);
  }
  if (a > 0) { out[0] = x0 + (cx / (3 * a)) * S; out[1] = y0 + (cy / (3 * a)) * S; return; }
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += v[off + 2 * i]!; my += v[off + 2 * i + 1]!; }
  out[0] = mx / n; out[1] = my / n;
}

/**
 * Split a cell by the sign of an affine function whose values at the vertices are `val` (classes in
 * `cls`: 1 above tolerance, -1 below, 0 on the line). Writes the positive part then the negative part
 * at the end of `out` and returns their vertex counts packed as pos * 65536 + neg. The crossing points
 * come from the vertex values (t = v_i / (v_i - v_j)), so no two lines are ever intersected directly and
 * near-parallel lines need no special case.
 */
export function splitCell(k: number, v: Float64Array, off: number, n: number, val: Float64Array, cls: Int8Array, out: F64Buf): number {
  if (k === 1) {
    const t0 = v[off]!, t1 = v[off + 1]!;
    const t = t0 + (val[0]! / (val[0]! - val[1]!)) * (t1 - t0);
    out.reserve(4);
    const o = out.a;
    // Positive part first: it starts at whichever end is positive.
    if (cls[0]! > 0) { o[out.n] = t0; o[out.n + 1] = t; o[out.n + 2] = t; o[out.n + 3] = t1; }
    else { o[out.n] = t; o[out.n + 1] = t1; o[out.n + 2] = t0; o[out.n + 3] = t; }
    out.n += 4;
    return 2 * 65536 + 2;
  }
  out.reserve(4 * (n + 2));
  const o = out.a;
  const pStart = out.n;
  const nStart = pStart + 2 * (n + 2);
  let np = 0, nn = 0;
  for (let i = 0; i < n; i++) {
    const j = i + 1 === n ? 0 : i + 1;
    const ci = cls[i]!, cj = cls[j]!;
    const xi = v[off + 2 * i]!, yi = v[off + 2 * i + 1]!;
    if (ci >= 0) { o[pStart + 2 * np] = xi; o[pStart + 2 * np + 1] = yi; np++; }
    if (ci <= 0) { o[nStart + 2 * nn] = xi; o[nStart + 2 * nn + 1] = yi; nn++; }
    if ((ci > 0 && cj < 0) || (ci < 0 && cj > 0)) {
      const t = val[i]! / (val[i]! - val[j]!);
      const x = xi + t * (v[off + 2 * j]! - xi), y = yi + t * (v[off + 2 * j + 1]! - yi);
      o[pStart + 2 * np] = x; o[pStart + 2 * np + 1] = y; np++;
      o[nStart + 2 * nn] = x; o[nStart + 2 * nn + 1] = y; nn++;
    }
  }
  // Close the gap so the negative part follows the positive part directly.
  o.copyWithin(pStart + 2 * np, nStart, nStart + 2 * nn);
  out.n = pStart + 2 * (np + nn);
  return np * 65536 + nn;
}

/** One generation: its cells' parents and patterns, and the current cell's stored maps. */
export interface Gen {
  n: number;
  parent: I32Buf;
  pattern: U8Buf;
  /** Maps of the current cell (the one on the depth-first path), by layer. */
  maps: Map<number, Float64Array>;
}

export function newGen(): Gen {
  // Small to start (they grow): one generation per unit layer, and a network may have 10⁵ of them.
  return { n: 0, parent: new I32Buf(16), pattern: new U8Buf(16), maps: new Map() };
}

/** ancestor[s][i]: the row of generation s+1 that final cell i (a row of generation U) descends from. */
export function ancestors(gens: readonly Gen[], U: number, N: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (let s = 0; s < U; s++) out.push(new Int32Array(N));
  // Final cells are the last generation's cells in order; walk up the parents.
  for (let i = 0; i < N; i++) {
    let a = i;
    for (let g = U; g > 0; g--) { out[g - 1]![i] = a; a = gens[g]!.parent.a[a]!; }
  }
  return out;
}
