/**
 * The linear pieces of a network on a box, per output: the regions lens enumerates every
 * full-dimensional linear region (activation pattern); on each, every output (or logit difference)
 * is one affine function. Here each region gets its affine output maps and its polytope, and the
 * distinct affine functions are collected as the pieces ℓ_j of the lattice form.
 *
 * Everything is in the box's scaled coordinates u ∈ [-1,1]^d of the free inputs (x_i = c_i + h_i u_k),
 * where the LPs and the vertex geometry are well conditioned; `pieceInX` converts to input space.
 */
import { Box } from "../../core/domain.js";
import { fail } from "../../core/errors.js";
import { Network, outputSize, sizeOf } from "../../core/network.js";
import { unitLayerIndices } from "../../core/summary.js";
import type { BoxRegionsResult } from "../regions/index.js";
import { InputMap, LayerPatterns, RegionRows, affineMaps, regionRows } from "../regions/box-affine.js";

/** What the shallow form represents: each output, or each output minus a reference output (logit differences). */
export type ShallowTarget = "outputs" | "differences";

/** An affine function of u: value = c + Σ_k g[k]·u_k. */
export interface AffineU {
  c: number;
  g: number[];
}

/** One region of the box with what the lattice construction needs. */
export interface PieceRegion {
  pattern: string;
  /** Interior point in input coordinates. */
  point: number[];
  /** The same point in u coordinates. */
  u: Float64Array;
  /** The region's inequalities coef·u + cst >= 0 (unit boundaries; the box sides are implicit). */
  rows: RegionRows;
  /** Per target function: the index of its piece on this region. */
  piece: number[];
}

/** The box geometry: free inputs, centre, half-widths. */
export interface BoxFrame {
  inputs: number;
  free: number[];
  centre: Float64Array;
  half: Float64Array;
}

/** The regions and, per target function, its distinct affine pieces. */
export interface BoxPieces {
  frame: BoxFrame;
  regions: PieceRegion[];
  /** Per target function (output o, or output o minus the reference), its pieces. */
  pieces: AffineU[][];
  /** Names of the target functions ("out 0", "out 1 − out 0", ...). */
  targets: string[];
  /** Per target: the scale of its values on the box (max over pieces of |c| + Σ|g|), for tolerances. */
  scale: number[];
}

const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";

/** The frame of a box: free inputs (lower < upper), centre and half-widths. */
export function boxFrame(box: Box): BoxFrame {
  const n = box.lower.length, free: number[] = [];
  const centre = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    centre[i] = box.lower[i]! / 2 + box.upper[i]! / 2;
    if (box.upper[i]! > box.lower[i]!) free.push(i);
  }
  const half = Float64Array.from(free, (i) => box.upper[i]! / 2 - box.lower[i]! / 2);
  return { inputs: n, free, centre, half };
}

/** The per-layer patterns of a regions-lens pattern string. */
export function patternsOf(net: Network, key: string): LayerPatterns {
  const out: (Uint8Array | undefined)[] = net.layers.map(() => undefined);
  let o = 0;
  for (const li of unitLayerIndices(net)) {
    const n = sizeOf(net.layers[li]!.shape), p = new Uint8Array(n);
    for (let i = 0; i < n; i++) p[i] = DIGITS.indexOf(key[o + i]!);
    o += n;
    out[li] = p;
  }
  if (o !== key.length) fail("BAD_ARGUMENT", `pattern of ${key.length} units does not fit the network's ${o} units`);
  return out;
}

/** The target functions' names. */
export function targetNames(m: number, target: ShallowTarget, reference: number): string[] {
  if (target === "outputs") return Array.from({ length: m }, (_, o) => `out ${o}`);
  return Array.from({ length: m }, (_, o) => o).filter((o) => o !== reference).map((o) => `out ${o} − out ${reference}`);
}

/**
 * Affine maps and pieces of every region of a complete box enumeration. Pieces equal up to
 * 1e-12 × scale are merged (a merge is harmless either way: equal pieces are interchangeable).
 */
export function boxPieces(net: Network, box: Box, regions: BoxRegionsResult, target: ShallowTarget, reference: number): BoxPieces {
  if (!regions.complete || !regions.regions) fail("LIMIT_EXCEEDED", "the box enumeration is incomplete; the shallow form needs every region");
  const frame = boxFrame(box), d = frame.free.length, m = outputSize(net);
  if (target === "differences" && !(Number.isInteger(reference) && reference >= 0 && reference < m)) {
    fail("BAD_ARGUMENT", `reference output ${reference} is not an output of the network (it has ${m})`);
  }
  if (target === "differences" && m < 2) fail("BAD_ARGUMENT", "logit differences need at least two outputs");
  const input: InputMap = {
    offset: frame.centre,
    basis: frame.free.map((i, k) => { const b = new Float64Array(frame.inputs); b[i] = frame.half[k]!; return b; }),
  };
  const targets = targetNames(m, target, reference);
  const outIdx = target === "outputs" ? targets.map((_, o) => o) : Array.from({ length: m }, (_, o) => o).filter((o) => o !== reference);
  const pieces: AffineU[][] = targets.map(() => []);
  const keys: Map<string, number>[] = targets.map(() => new Map());
  const maps: AffineU[][] = [];
  const out: PieceRegion[] = [];
  for (const r of regions.regions) {
    const pats = patternsOf(net, r.pattern);
    const am = affineMaps(net, pats, input);
    const last = am[am.length - 1]!;
    const fn = (o: number): AffineU => ({ c: last[0]![o]!, g: Array.from({ length: d }, (_, k) => last[k + 1]![o]!) });
    const per = outIdx.map((o) => {
      const a = fn(o);
      if (target === "outputs") return a;
      const b = fn(reference);
      return { c: a.c - b.c, g: a.g.map((v, k) => v - b.g[k]!) };
    });
    maps.push(per);
    const u = Float64Array.from(frame.free, (i, k) => (r.point[i]! - frame.centre[i]!) / frame.half[k]!);
    out.push({ pattern: r.pattern, point: r.point, u, rows: regionRows(net, pats, am, input), piece: [] });
  }
  const scale = targets.map((_, t) => Math.max(1e-300, ...maps.map((mp) => Math.abs(mp[t]!.c) + mp[t]!.g.reduce((s, v) => s + Math.abs(v), 0))));
  out.forEach((reg, ri) => {
    reg.piece = targets.map((_, t) => {
      const a = maps[ri]![t]!, q = 1e-12 * scale[t]!;
      const key = [a.c, ...a.g].map((v) => Math.round(v / q)).join(",");
      let j = keys[t]!.get(key);
      if (j === undefined) { j = pieces[t]!.length; pieces[t]!.push(a); keys[t]!.set(key, j); }
      return j;
    });
  });
  return { frame, regions: out, pieces, targets, scale };
}

/** A piece as weights over all inputs and a bias: ℓ(x) = w·x + b (fixed inputs folded into b). */
export function pieceInX(a: AffineU, frame: BoxFrame): { w: Float64Array; b: number } {
  const w = new Float64Array(frame.inputs);
  let b = a.c;
  frame.free.forEach((i, k) => {
    const s = a.g[k]! / frame.half[k]!;
    w[i] = s;
    b -= s * frame.centre[i]!;
  });
  return { w, b };
}

/** Value of an affine function of u. */
export function valueU(a: AffineU, u: ArrayLike<number>): number {
  let v = a.c;
  for (let k = 0; k < a.g.length; k++) v += a.g[k]! * u[k]!;
  return v;
}
