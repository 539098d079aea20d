// Say the cost before paying it: before the exact partition of a slice, a coarse pass counts the
// distinct activation patterns on a G×G grid of the domain. Each is a different linear region, so the
// count is a lower bound; when nearly every grid point has its own pattern the grid does not resolve
// the regions and the slice holds many more. When even the lower bound's storage exceeds the memory
// limit, the slice is refused up front (in seconds, not after minutes of partitioning).
import { fail } from "../../core/errors.js";
import { checkAborted, LensContext } from "../../core/lens.js";
import { Network, sizeOf } from "../../core/network.js";
import { unitLayerIndices } from "../../core/summary.js";
import { Plane } from "./anchors.js";
import { planeGridPatterns } from "./grid-patterns.js";

/** The coarse pass's findings (in the slice result as `estimate`). */
export interface SliceEstimate {
  /** Grid points per side, and how many of the G² fell inside the domain. */
  grid: number;
  points: number;
  /** Distinct activation patterns among them: a lower bound on the regions. */
  distinctPatterns: number;
  /** True when at least half the points have patterns of their own: the slice has far more regions than the grid shows. */
  saturated: boolean;
  /** Bytes the partition needs at least (the lower bound × the per-region storage of its patterns). */
  bytesAtLeast: number;
  /** When saturated: regions estimated from the density in a zoomed window at the centre (an estimate, not a bound). */
  regionsEstimate?: number;
}

/** Points per side of the coarse grid, and of the zoomed windows. */
export const ESTIMATE_GRID = 32;
const ZOOM_GRID = 16;

/** Whether the memory limit can bind before the region limit (a region's patterns cost a byte per unit): only then is the estimate worth its forward passes. */
export function estimateNeeded(net: Network, limits: { maxBytes: number; maxRegions: number }): boolean {
  const units = unitLayerIndices(net).reduce((s, i) => s + sizeOf(net.layers[i]!.shape), 0);
  return (units + 64) * limits.maxRegions > limits.maxBytes;
}

/** Inside a convex polygon of either orientation: on one side of every edge. */
function inside(poly: Float64Array, u: number, v: number): boolean {
  const n = poly.length / 2;
  let pos = false, neg = false;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    const cross = (poly[2 * j]! - poly[2 * i]!) * (v - poly[2 * i + 1]!) - (poly[2 * j + 1]! - poly[2 * i + 1]!) * (u - poly[2 * i]!);
    if (cross > 0) pos = true; else if (cross < 0) neg = true;
  }
  return !(pos && neg);
}

const LATIN1 = new TextDecoder("latin1");

/** Distinct patterns among the grid points of a window [u0,u1]×[v0,v1] that lie in the domain. */
function distinctIn(net: Network, plane: Plane, domain: Float64Array, w: [number, number, number, number], G: number, ctx: LensContext): { points: number; distinct: number } {
  const pts: [number, number][] = [];
  for (let a = 0; a < G; a++) for (let b = 0; b < G; b++) {
    const u = w[0] + ((a + 0.5) / G) * (w[1] - w[0]), v = w[2] + ((b + 0.5) / G) * (w[3] - w[2]);
    if (inside(domain, u, v)) pts.push([u, v]);
  }
  const seen = new Set<string>();
  const chunk = 256;
  for (let s = 0; s < pts.length; s += chunk) {
    checkAborted(ctx);
    const n = Math.min(chunk, pts.length - s);
    const uv = new Float64Array(2 * n);
    for (let r = 0; r < n; r++) { uv[2 * r] = pts[s + r]![0]; uv[2 * r + 1] = pts[s + r]![1]; }
    const patterns = planeGridPatterns(net, plane.origin, plane.basis, uv, n);
    for (let r = 0; r < n; r++) {
      // Piece indices as characters (fixed widths per layer, so the concatenation identifies the pattern).
      let key = "";
      for (const p of patterns) { const wd = p.length / n; key += LATIN1.decode(p.subarray(r * wd, (r + 1) * wd)); }
      seen.add(key);
    }
    ctx.onProgress?.({ done: s + n, total: pts.length, stage: "estimating the slice's size" });
  }
  return { points: pts.length, distinct: seen.size };
}

/**
 * Count the distinct patterns on a grid over the convex domain (a lower bound on the regions); when the
 * grid is saturated, zoom into the centre (1/8 of the width, up to twice) to estimate the density
 * of regions there. LIMIT_EXCEEDED up front when the lower bound's storage exceeds
 * maxBytes (a count above --max-regions is found by the partition itself, with its partial count), or when the density estimate says the slice needs more than 4 × maxBytes.
 */
export function estimateSlice(net: Network, plane: Plane, domain: Float64Array, limits: { maxBytes: number }, ctx: LensContext = {}): SliceEstimate {
  const { maxBytes } = limits;
  let umin = Infinity, umax = -Infinity, vmin = Infinity, vmax = -Infinity;
  for (let q = 0; q < domain.length / 2; q++) {
    umin = Math.min(umin, domain[2 * q]!); umax = Math.max(umax, domain[2 * q]!);
    vmin = Math.min(vmin, domain[2 * q + 1]!); vmax = Math.max(vmax, domain[2 * q + 1]!);
  }
  const G = ESTIMATE_GRID;
  const units = unitLayerIndices(net).reduce((s, i) => s + sizeOf(net.layers[i]!.shape), 0);
  const perRegion = units + 64; // a byte per unit for each region's pattern while the partition splits, plus its polygon and map
  const whole = distinctIn(net, plane, domain, [umin, umax, vmin, vmax], G, ctx);
  const saturated = whole.distinct >= whole.points / 2;
  const est: SliceEstimate = { grid: G, points: whole.points, distinctPatterns: whole.distinct, saturated, bytesAtLeast: whole.distinct * perRegion };
  const seen = whole.distinct;
  if (est.bytesAtLeast > maxBytes) {
    fail("LIMIT_EXCEEDED", `a ${G}×${G} grid of this slice already shows ${seen.toLocaleString("en-US")} distinct activation patterns (each a linear region${saturated ? "; most grid points have their own, so the slice holds far more" : ""}), whose ${units.toLocaleString("en-US")}-unit patterns alone need more than ${Math.round(maxBytes / 2 ** 20)} MiB; nothing was computed — use a smaller --half-width or a polygon`);
  }
  if (saturated) {
    // Zoom into the centre until the grid resolves the regions there; scale the count by the area (an estimate, not a bound).
    const cu = (umin + umax) / 2, cv = (vmin + vmax) / 2;
    let half = Math.max(umax - umin, vmax - vmin) / 2, density = 0;
    for (let z = 0; z < 2; z++) {
      half /= 8;
      const win = distinctIn(net, plane, domain, [cu - half, cu + half, cv - half, cv + half], ZOOM_GRID, ctx);
      if (win.points === 0) break;
      density = win.distinct / (4 * half * half);
      if (win.distinct < win.points / 2) break;
    }
    if (density > 0) {
      let area = 0;
      const n = domain.length / 2;
      for (let i = 0; i < n; i++) { const j = (i + 1) % n; area += domain[2 * i]! * domain[2 * j + 1]! - domain[2 * j]! * domain[2 * i + 1]!; }
      est.regionsEstimate = Math.round(Math.max(seen, density * Math.abs(area) / 2));
      const bytes = est.regionsEstimate * perRegion;
      if (bytes > 4 * maxBytes) {
        fail("LIMIT_EXCEEDED", `this slice is too fine for the memory limit: a ${G}×${G} grid gives most points their own activation pattern (≥ ${seen.toLocaleString("en-US")} regions), and zooming into its centre estimates about ${est.regionsEstimate.toLocaleString("en-US")} regions, which would need about ${Math.round(bytes / 2 ** 20).toLocaleString("en-US")} MiB (limit ${Math.round(maxBytes / 2 ** 20)} MiB); nothing was computed — use a smaller --half-width (the region count falls with the area)`);
      }
    }
  }
  ctx.onProgress?.({ done: 0, total: 1000, stage: `≥ ${seen.toLocaleString("en-US")} regions on a ${G}×${G} grid${est.regionsEstimate ? `, about ${est.regionsEstimate.toLocaleString("en-US")} estimated` : ""}` });
  return est;
}
