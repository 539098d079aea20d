/**
 * The decision boundary inside a 2-D partition. On each cell the outputs are affine, so the boundary
 * between classes a and b there is the chord of the line o_a = o_b where both are the maximum;
 * for a single output it is the chord of its zero line. Computed cell by cell, exactly in float64.
 */
import { onPlane } from "../../core/tolerance.js";
import { Partition } from "./partition.js";

/** Boundary segments: flat [u0, v0, u1, v1] per segment, the two classes on either side (equal for a zero set), total length. */
export interface Boundary {
  kind: "argmax" | "zero";
  segments: Float64Array;
  classes: Int32Array;
  length: number;
}

/**
 * The chord of the line a0·u + a1·v + c = 0 through the convex polygon v[off..] (n vertices), into
 * out[0..3]; false when the line misses the polygon or only touches it at a point.
 */
export function chord(a0: number, a1: number, c: number, v: Float64Array, off: number, n: number, out: Float64Array): boolean {
  let m = 0, zeros = 0;
  const pts = chordPts;
  for (let i = 0; i < n; i++) {
    const j = i + 1 === n ? 0 : i + 1;
    const xi = v[off + 2 * i]!, yi = v[off + 2 * i + 1]!, xj = v[off + 2 * j]!, yj = v[off + 2 * j + 1]!;
    const zi = a0 * xi + a1 * yi + c, zj = a0 * xj + a1 * yj + c;
    const ci = onPlane(zi, Math.abs(a0 * xi) + Math.abs(a1 * yi) + Math.abs(c)) ? 0 : Math.sign(zi);
    const cj = onPlane(zj, Math.abs(a0 * xj) + Math.abs(a1 * yj) + Math.abs(c)) ? 0 : Math.sign(zj);
    if (ci === 0) { zeros++; if (m < 8) { pts[2 * m] = xi; pts[2 * m + 1] = yi; m++; } }
    if (ci * cj < 0 && m < 8) {
      const t = zi / (zi - zj);
      pts[2 * m] = xi + t * (xj - xi); pts[2 * m + 1] = yi + t * (yj - yi); m++;
    }
  }
  // The function vanishes on the whole cell (a tie everywhere): no chord, the cell is degenerate.
  if (m < 2 || zeros === n) return false;
  // The two points farthest apart (a convex polygon gives two, or an edge's two ends).
  let best = -1;
  for (let p = 0; p < m; p++)
    for (let q = p + 1; q < m; q++) {
      const d = (pts[2 * p]! - pts[2 * q]!) ** 2 + (pts[2 * p + 1]! - pts[2 * q + 1]!) ** 2;
      if (d > best) { best = d; out[0] = pts[2 * p]!; out[1] = pts[2 * p + 1]!; out[2] = pts[2 * q]!; out[3] = pts[2 * q + 1]!; }
    }
  return best > 0;
}
const chordPts = new Float64Array(16);
/** Per class, its least and largest value over the current cell's vertices. */
let vlo = new Float64Array(16), vhi = new Float64Array(16);

/** Output o of cell i at (u, v). */
function outAt(P: Partition, i: number, o: number, u: number, v: number): number {
  const m = P.outSize, base = i * 3 * m;
  return P.outMap[base + o]! * u + P.outMap[base + m + o]! * v + P.outMap[base + 2 * m + o]!;
}

/**
 * The decision boundary of a 2-D partition: where the arg-max of the outputs changes (or, for one
 * output, its zero set). `prune` (default) skips the classes that are the maximum nowhere in a cell;
 * false pairs every two classes (the same segments, slower: for tests).
 */
export function decisionBoundary(P: Partition, prune = true): Boundary {
  if (P.k !== 2) throw new Error("decisionBoundary needs a 2-D partition");
  const m = P.outSize;
  const segs: number[] = [], cls: number[] = [];
  const seg = new Float64Array(4);
  let length = 0;
  const push = (a: number, b: number, s: Float64Array, t0: number, t1: number): void => {
    const x0 = s[0]! + t0 * (s[2]! - s[0]!), y0 = s[1]! + t0 * (s[3]! - s[1]!);
    const x1 = s[0]! + t1 * (s[2]! - s[0]!), y1 = s[1]! + t1 * (s[3]! - s[1]!);
    segs.push(x0, y0, x1, y1); cls.push(a, b);
    length += Math.hypot(x1 - x0, y1 - y0);
  };
  for (let i = 0; i < P.count; i++) {
    const off = P.cellOff[i]!, n = P.cellLen[i]!, V = P.verts;
    const base = i * 3 * m;
    if (m === 1) {
      if (chord(P.outMap[base]!, P.outMap[base + 1]!, P.outMap[base + 2]!, V, off, n, seg)) push(0, 0, seg, 0, 1);
      continue;
    }
    // The arg-max cells are convex: if every vertex has the same arg-max, so does the whole polygon.
    let first = -1, same = true;
    for (let t = 0; t < n && same; t++) {
      const u = V[off + 2 * t]!, v = V[off + 2 * t + 1]!;
      let best = 0, bv = -Infinity;
      for (let o = 0; o < m; o++) { const y = outAt(P, i, o, u, v); if (y > bv) { bv = y; best = o; } }
      if (first < 0) first = best; else if (best !== first) same = false;
    }
    if (same) continue;
    // Classes that are the maximum nowhere in the cell have no boundary there: some class j beats
    // them everywhere (its least vertex value exceeds their largest by 1e-6 of the terms' size, far
    // above rounding and chord()'s tolerance), so every chord they belong to is clipped away below
    // or not found at all. Only the others are paired, in the same order.
    if (vlo.length < m) { vlo = new Float64Array(m); vhi = new Float64Array(m); }
    vlo.fill(Infinity, 0, m); vhi.fill(-Infinity, 0, m);
    let big = 0;
    for (let t = 0; t < n; t++) {
      const u = V[off + 2 * t]!, v = V[off + 2 * t + 1]!;
      for (let o = 0; o < m; o++) {
        const y = outAt(P, i, o, u, v);
        if (y < vlo[o]!) vlo[o] = y;
        if (y > vhi[o]!) vhi[o] = y;
        // The size of the terms (not of their sum): the on-line tolerance of chord() scales with it.
        big = Math.max(big, Math.abs(P.outMap[base + o]! * u) + Math.abs(P.outMap[base + m + o]! * v) + Math.abs(P.outMap[base + 2 * m + o]!));
      }
    }
    let floor = -Infinity;
    for (let o = 0; o < m; o++) floor = Math.max(floor, vlo[o]!);
    const cut = floor - 1e-6 * (1 + big);
    for (let a = 0; a < m; a++)
      for (let b = a + 1; b < m; b++) {
        if (prune && (!(vhi[a]! >= cut) || !(vhi[b]! >= cut))) continue;
        const d0 = P.outMap[base + a]! - P.outMap[base + b]!;
        const d1 = P.outMap[base + m + a]! - P.outMap[base + m + b]!;
        const dc = P.outMap[base + 2 * m + a]! - P.outMap[base + 2 * m + b]!;
        if (!chord(d0, d1, dc, V, off, n, seg)) continue;
        // Keep the part of the chord where a (= b there) beats every other output.
        let lo = 0, hi = 1;
        for (let c = 0; c < m && lo < hi; c++) {
          if (c === a || c === b) continue;
          const g0 = outAt(P, i, a, seg[0]!, seg[1]!) - outAt(P, i, c, seg[0]!, seg[1]!);
          const g1 = outAt(P, i, a, seg[2]!, seg[3]!) - outAt(P, i, c, seg[2]!, seg[3]!);
          if (g0 >= 0 && g1 >= 0) continue;
          if (g0 < 0 && g1 < 0) { hi = lo; break; }
          const t = g0 / (g0 - g1);
          if (g0 < 0) lo = Math.max(lo, t); else hi = Math.min(hi, t);
        }
        if (hi - lo > 1e-12) push(a, b, seg, lo, hi);
      }
  }
  return { kind: m === 1 ? "zero" : "argmax", segments: Float64Array.from(segs), classes: Int32Array.from(cls), length };
}
