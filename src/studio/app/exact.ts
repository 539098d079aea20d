// What the studio computes in the page, all through the library's lenses: the exact partition of the
// visible window (the slice lens), the units stable on it (read off the partition's patterns: exact
// on the window, since every point of it lies in some cell), knots on a drawn line (the line lens),
// the region under the cursor, and a sampled heatmap for networks that are not piecewise linear.
import {
  forward, lineRegions, notPiecewiseLinear, outputSize, patternString, planePoint, sliceCompute,
  type Network, type Partition, type Plane, type SliceResult,
} from "../../index.js";
import type { RegionPicture } from "./plane.js";

export interface StableUnits {
  units: number;
  /** Units in one piece on the whole window: off everywhere (dead), or in one other piece (for ReLU: on everywhere). */
  dead: number;
  active: number;
  perLayer: { name: string; units: number; dead: number; active: number }[];
}

export interface ExactFrame {
  picture: RegionPicture;
  result: SliceResult;
  stable: StableUnits;
  ms: number;
}

/** The plane of a 2-input network: slice coordinates are the inputs themselves. */
export function inputPlane(): Plane {
  return { origin: new Float64Array(2), basis: [Float64Array.of(1, 0), Float64Array.of(0, 1)], anchors: [[0, 0], [1, 0], [0, 1]] };
}

/** The exact partition of the window [x0, y0, x1, y1] of `plane`. */
export function exactFrame(net: Network, plane: Plane, w: readonly [number, number, number, number], maxRegions = 200_000): ExactFrame {
  const t0 = performance.now();
  const polygon: [number, number][] = [[w[0], w[1]], [w[2], w[1]], [w[2], w[3]], [w[0], w[3]]];
  const { partition: P, boundary, result } = sliceCompute(net, plane, { polygon, details: false, maxRegions });
  const predicted = predictedClasses(P);
  return { picture: { partition: P, predicted, boundary: boundary.segments }, result, stable: stableUnits(P, net), ms: performance.now() - t0 };
}

/** Arg-max class of each cell at its first vertex's neighbourhood (the cell's vertex mean, an interior point of a convex cell). */
export function predictedClasses(P: Partition): Int32Array {
  const m = P.outSize, out = new Int32Array(P.count);
  for (let i = 0; i < P.count; i++) {
    const off = P.cellOff[i]!, n = P.cellLen[i]!;
    let u = 0, v = 0;
    for (let q = 0; q < n; q++) { u += P.verts[off + 2 * q]!; v += P.verts[off + 2 * q + 1]!; }
    u /= n; v /= n;
    const base = i * 3 * m;
    let best = 0, bv = -Infinity;
    if (m === 1) { out[i] = P.outMap[base]! * u + P.outMap[base + 1]! * v + P.outMap[base + 2]! > 0 ? 1 : 0; continue; }
    for (let o = 0; o < m; o++) {
      const y = P.outMap[base + o]! * u + P.outMap[base + m + o]! * v + P.outMap[base + 2 * m + o]!;
      if (y > bv) { bv = y; best = o; }
    }
    out[i] = best;
  }
  return out;
}

/** Units whose piece is the same in every cell of the partition. */
export function stableUnits(P: Partition, net: Network): StableUnits {
  const perLayer: StableUnits["perLayer"] = [];
  let units = 0, dead = 0, active = 0;
  P.unitLayers.forEach((layer, s) => {
    const n = P.unitSizes[s]!, pat = P.patterns[s]!, rows = pat.length / n;
    let d = 0, a = 0;
    for (let j = 0; j < n; j++) {
      const first = pat[j]!;
      let same = true;
      for (let r = 1; r < rows && same; r++) if (pat[r * n + j] !== first) same = false;
      if (same) { if (first === 0) d++; else a++; }
    }
    units += n; dead += d; active += a;
    perLayer.push({ name: net.layers[layer]!.name, units: n, dead: d, active: a });
  });
  return { units, dead, active, perLayer };
}

/** The cell containing slice point (u, v), or −1. */
export function cellAt(P: Partition, u: number, v: number): number {
  const V = P.verts;
  for (let i = 0; i < P.count; i++) {
    const off = P.cellOff[i]!, n = P.cellLen[i]!;
    let inside = true;
    for (let q = 0; q < n && inside; q++) {
      const ax = V[off + 2 * q]!, ay = V[off + 2 * q + 1]!;
      const r = (q + 1) % n, bx = V[off + 2 * r]!, by = V[off + 2 * r + 1]!;
      if ((bx - ax) * (v - ay) - (by - ay) * (u - ax) < 0) inside = false;
    }
    if (inside) return i;
  }
  return -1;
}

/** What the hover box shows about cell i. */
export function describeCell(P: Partition, i: number): { pattern: string; A: number[][]; c: number[] } {
  const m = P.outSize, base = i * 3 * m, A: number[][] = [], c: number[] = [];
  for (let o = 0; o < m; o++) { A.push([P.outMap[base + o]!, P.outMap[base + m + o]!]); c.push(P.outMap[base + 2 * m + o]!); }
  return { pattern: patternString(P, i), A, c };
}

/** Knots of the network along the segment a→b of the plane, in slice coordinates, and the line lens's counts. */
export function knotsOn(net: Network, plane: Plane, line: readonly [number, number, number, number]): { knots: [number, number][]; count: number; pieces: number } {
  const a = planePoint(plane, line[0], line[1]), b = planePoint(plane, line[2], line[3]);
  const r = lineRegions(net, { points: [a, b] }, { details: false });
  const knots = r.knots.map((t): [number, number] => [line[0] + t * (line[2] - line[0]), line[1] + t * (line[3] - line[1])]);
  return { knots, count: r.count, pieces: r.pieces };
}

/** Why the exact picture is unavailable (a smooth activation), or undefined. */
export function whyNotExact(net: Network): string | undefined {
  return notPiecewiseLinear(net);
}

/**
 * A Playground-style picture: the class at the centre of each cell of a res × res grid over the
 * window (reference forward pass), as an image; also what the studio's benchmark compares against.
 */
export function sampledHeat(net: Network, plane: Plane, w: readonly [number, number, number, number], res = 100): ImageData {
  const img = new ImageData(res, res), m = outputSize(net), x = new Float64Array(plane.origin.length);
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) {
      const u = w[0] + ((c + 0.5) / res) * (w[2] - w[0]), v = w[3] - ((r + 0.5) / res) * (w[3] - w[1]);
      const y = forward(net, planePoint(plane, u, v, x));
      let best = 0;
      if (m === 1) best = y[0]! > 0 ? 1 : 0;
      else for (let o = 1; o < m; o++) if (y[o]! > y[best]!) best = o;
      const k = 4 * (r * res + c), col = HEAT[best % HEAT.length]!;
      img.data[k] = col[0]; img.data[k + 1] = col[1]; img.data[k + 2] = col[2]; img.data[k + 3] = 255;
    }
  }
  return img;
}

const HEAT: [number, number, number][] = [[251, 200, 140], [140, 190, 225], [180, 215, 170], [240, 170, 170], [215, 190, 210], [190, 225, 220], [245, 230, 170], [255, 210, 215], [210, 190, 175], [220, 215, 210]];
