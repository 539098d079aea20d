/**
 * Picture of a slice partition, hand-built SVG (vega-lite has no polygon mark, and ten thousand
 * polygons are best written directly): regions coloured by predicted class or slope norm, thin
 * edges, the decision boundary bold, the anchor points marked, a legend.
 */
import { TOLERANCE } from "../core/tolerance.js";
import { fail } from "../core/errors.js";
import type { SliceResult } from "../lenses/regions/index.js";
import { classColor, shade, viridis, xmlEscape } from "./colors.js";

/** Options of renderSliceSvg. */
export interface SliceSvgOptions {
  /** Colour regions by the predicted class at their centroid (sign of the output for one output) or by the norm of their slope. */
  colorBy?: "class" | "slope";
  /** Plot side in pixels (default 720). */
  size?: number;
  /** Title line (default: the region count). */
  title?: string;
  /** Labels of the anchor points (default p0, p1, p2). */
  anchorLabels?: string[];
}

const f2 = (x: number): string => (Math.round(x * 100) / 100).toString();

/** Render a slice result (it must include its region list) as an SVG document. */
export function renderSliceSvg(result: SliceResult, opts: SliceSvgOptions = {}): string {
  const regions = result.regions;
  if (!regions) fail("BAD_ARGUMENT", "the slice result has no region list (computed with details: false); recompute with details");
  const colorBy = opts.colorBy ?? "class";
  const size = opts.size ?? 720;
  const poly = result.domain.polygon;
  let umin = Infinity, umax = -Infinity, vmin = Infinity, vmax = -Infinity;
  for (const [u, v] of poly) { umin = Math.min(umin, u); umax = Math.max(umax, u); vmin = Math.min(vmin, v); vmax = Math.max(vmax, v); }
  const scale = size / Math.max(umax - umin, vmax - vmin);
  const left = 60, top = 56, legendW = 190;
  const W = left + size + legendW, H = top + size + 56;
  const px = (u: number): number => left + (u - umin) * scale;
  const py = (v: number): number => top + (vmax - v) * scale;
  const single = result.network.outputSize === 1;

  // Colour of each region.
  let colorOf: (i: number) => string;
  const legend: string[] = [];
  if (colorBy === "slope") {
    // Slopes at or below slopeZeroRel × the largest are zero (flat regions, rounding-level slopes): a colour and a legend entry of their own.
    const max = regions.reduce((m, r) => Math.max(m, r.slopeNorm), 0);
    const zeroAt = TOLERANCE.slopeZeroRel * max;
    const isZero = (i: number): boolean => !(regions[i]!.slopeNorm > zeroAt);
    const logs = regions.map((r) => Math.log10(Math.max(r.slopeNorm, 1e-300)));
    const pos = regions.filter((r) => r.slopeNorm > zeroAt).map((r) => Math.log10(r.slopeNorm));
    // Reductions, not Math.min(...pos): a slice may have a million regions.
    const lo = pos.length ? pos.reduce((a, b) => Math.min(a, b)) : 0, hi = pos.length ? pos.reduce((a, b) => Math.max(a, b)) : 1;
    const span = hi - lo || 1;
    const ZERO = "#d9d9d9";
    colorOf = (i) => (isZero(i) ? ZERO : viridis((logs[i]! - lo) / span));
    const zeros = regions.reduce((k, _r, i) => k + (isZero(i) ? 1 : 0), 0);
    legend.push(`<text x="0" y="0" font-size="13" font-weight="bold">slope norm</text>`);
    legend.push(`<text x="0" y="16" font-size="11" fill="#555">‖∂output/∂(u,v)‖, log scale</text>`);
    legend.push(`<defs><linearGradient id="vir" x1="0" y1="1" x2="0" y2="0">${Array.from({ length: 11 }, (_, q) => `<stop offset="${q / 10}" stop-color="${viridis(q / 10)}"/>`).join("")}</linearGradient></defs>`);
    legend.push(`<rect x="0" y="28" width="22" height="170" fill="url(#vir)" stroke="#333" stroke-width="0.5"/>`);
    legend.push(`<text x="30" y="38" font-size="11">${xmlEscape((10 ** hi).toPrecision(3))}</text>`);
    legend.push(`<text x="30" y="198" font-size="11">${xmlEscape((10 ** lo).toPrecision(3))}</text>`);
    legend.push(`<rect x="0" y="208" width="22" height="14" fill="${ZERO}" stroke="#333" stroke-width="0.5"/><text x="30" y="219" font-size="11">zero (≤ ${xmlEscape(zeroAt.toPrecision(2))}${zeros ? `, ${zeros} region${zeros === 1 ? "" : "s"}` : ""})</text>`);
  } else if (single) {
    const sign = regions.map((r) => {
      const [a0, a1] = r.affine.A[0]!;
      return a0 * r.centroid[0] + a1 * r.centroid[1] + r.affine.c[0]! > 0;
    });
    colorOf = (i) => (sign[i] ? classColor(0) : classColor(1));
    legend.push(`<text x="0" y="0" font-size="13" font-weight="bold">output sign</text>`);
    [["output > 0", classColor(0)], ["output ≤ 0", classColor(1)]].forEach(([label, c], q) => {
      legend.push(`<rect x="0" y="${14 + 20 * q}" width="14" height="14" fill="${c}"/><text x="20" y="${25 + 20 * q}" font-size="12">${label}</text>`);
    });
  } else {
    colorOf = (i) => classColor(regions[i]!.predicted);
    const present = [...new Set(regions.map((r) => r.predicted))].sort((a, b) => a - b);
    legend.push(`<text x="0" y="0" font-size="13" font-weight="bold">predicted class</text>`);
    present.slice(0, 20).forEach((c, q) => {
      legend.push(`<rect x="0" y="${14 + 20 * q}" width="14" height="14" fill="${classColor(c)}"/><text x="20" y="${25 + 20 * q}" font-size="12">class ${c}</text>`);
    });
    if (present.length > 20) legend.push(`<text x="0" y="${14 + 20 * 20 + 11}" font-size="12">… ${present.length - 20} more</text>`);
  }
  const rows = colorBy === "slope" ? 0 : single ? 2 : Math.min(new Set(regions.map((r) => r.predicted)).size, 21);
  const boundaryY = colorBy === "slope" ? 250 : 14 + 20 * rows + 14;
  legend.push(`<line x1="0" y1="${boundaryY}" x2="14" y2="${boundaryY}" stroke="#000" stroke-width="2.5"/><text x="20" y="${boundaryY + 4}" font-size="12">decision boundary</text>`);
  legend.push(`<circle cx="7" cy="${boundaryY + 22}" r="5" fill="#fff" stroke="#000" stroke-width="1.5"/><text x="20" y="${boundaryY + 26}" font-size="12">anchor point</text>`);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  const title = opts.title ?? `${result.count.toLocaleString("en-US")} linear regions on the slice`;
  out.push(`<text x="${left}" y="24" font-size="16" font-weight="bold">${xmlEscape(title)}</text>`);
  out.push(`<text x="${left}" y="44" font-size="12" fill="#555">${xmlEscape(`${result.perLayer.map((p) => p.regions).join(" → ")} regions after each unit layer · decision boundary ${f2(result.decisionBoundary.length)} long`)}</text>`);
  out.push(`<clipPath id="dom"><path d="${pathOf(poly, px, py)}"/></clipPath>`);
  out.push(`<g clip-path="url(#dom)" stroke-width="${regions.length > 3000 ? 0.25 : 0.5}" stroke-linejoin="round">`);
  regions.forEach((r, i) => {
    const c = colorOf(i);
    const parts = colorBy === "class" && !single ? classParts(r) : undefined;
    if (!parts) {
      out.push(`<path class="region" d="${pathOf(r.polygon, px, py)}" fill="${c}" stroke="${shade(c, -0.35)}"/>`);
      return;
    }
    // The region straddles the decision boundary: fill each class's part, then outline the region.
    for (const [cls, part] of parts) out.push(`<path d="${pathOf(part, px, py)}" fill="${classColor(cls)}" stroke="none"/>`);
    out.push(`<path class="region" d="${pathOf(r.polygon, px, py)}" fill="none" stroke="${shade(c, -0.35)}"/>`);
  });
  out.push(`</g>`);
  // Decision boundary, bold.
  const segs = result.decisionBoundary.segments;
  if (segs.length) {
    const d = segs.map((s) => `M${f2(px(s.a[0]))} ${f2(py(s.a[1]))}L${f2(px(s.b[0]))} ${f2(py(s.b[1]))}`).join("");
    out.push(`<path class="boundary" d="${d}" stroke="#000" stroke-width="2.5" stroke-linecap="round" fill="none" clip-path="url(#dom)"/>`);
  }
  out.push(`<path d="${pathOf(poly, px, py)}" fill="none" stroke="#333" stroke-width="1"/>`);
  // Anchors.
  result.plane.anchors.forEach((a, q) => {
    const x = px(a[0]), y = py(a[1]);
    if (x < left - 1 || x > left + size + 1 || y < top - 1 || y > top + size + 1) return;
    const label = opts.anchorLabels?.[q] ?? (result.plane.anchors.length === 1 ? "origin" : `p${q}`);
    out.push(`<circle class="anchor" cx="${f2(x)}" cy="${f2(y)}" r="5.5" fill="#fff" stroke="#000" stroke-width="1.8"/>`);
    out.push(`<text x="${f2(x + 9)}" y="${f2(y - 8)}" font-size="13" font-weight="bold" stroke="#fff" stroke-width="3" paint-order="stroke">${xmlEscape(label)}</text>`);
  });
  // Axes: the extent of the slice coordinates.
  out.push(`<text x="${left}" y="${top + size + 18}" font-size="11" text-anchor="start">${f2(umin)}</text>`);
  out.push(`<text x="${left + size}" y="${top + size + 18}" font-size="11" text-anchor="end">${f2(umax)}</text>`);
  out.push(`<text x="${left + size / 2}" y="${top + size + 34}" font-size="12" text-anchor="middle">u (slice coordinate)</text>`);
  out.push(`<text x="${left - 6}" y="${top + size}" font-size="11" text-anchor="end">${f2(vmin)}</text>`);
  out.push(`<text x="${left - 6}" y="${top + 10}" font-size="11" text-anchor="end">${f2(vmax)}</text>`);
  out.push(`<text x="${left - 14}" y="${top + size / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 ${left - 14} ${top + size / 2})">v (slice coordinate)</text>`);
  out.push(`<g transform="translate(${left + size + 24} ${top + 6})">${legend.join("")}</g>`);
  out.push(`</svg>`);
  return out.join("\n");
}

function pathOf(p: readonly (readonly number[])[], px: (u: number) => number, py: (v: number) => number): string {
  return p.map((q, i) => `${i ? "L" : "M"}${f2(px(q[0]!))} ${f2(py(q[1]!))}`).join("") + "Z";
}

/** Clip a convex polygon to a·p + c >= 0. */
function clip(poly: number[][], a0: number, a1: number, c: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i]!, q = poly[(i + 1) % poly.length]!;
    const vp = a0 * p[0]! + a1 * p[1]! + c, vq = a0 * q[0]! + a1 * q[1]! + c;
    if (vp >= 0) out.push(p);
    if ((vp > 0 && vq < 0) || (vp < 0 && vq > 0)) {
      const t = vp / (vp - vq);
      out.push([p[0]! + t * (q[0]! - p[0]!), p[1]! + t * (q[1]! - p[1]!)]);
    }
  }
  return out;
}

/** The parts of a region where each class is the arg-max, or undefined when one class wins on all of it. */
function classParts(r: { polygon: [number, number][]; affine: { A: [number, number][]; c: number[] } }): [number, number[][]][] | undefined {
  const { A, c } = r.affine, m = c.length;
  const argmax = (u: number, v: number): number => {
    let best = 0, bv = -Infinity;
    for (let o = 0; o < m; o++) { const y = A[o]![0] * u + A[o]![1] * v + c[o]!; if (y > bv) { bv = y; best = o; } }
    return best;
  };
  const first = argmax(r.polygon[0]![0], r.polygon[0]![1]);
  // Arg-max cells are convex: one winner at every vertex wins the whole region.
  if (r.polygon.every((p) => argmax(p[0], p[1]) === first)) return undefined;
  const parts: [number, number[][]][] = [];
  for (let a = 0; a < m; a++) {
    let poly: number[][] = r.polygon.map((p) => [p[0], p[1]]);
    for (let b = 0; b < m && poly.length >= 3; b++) {
      if (b !== a) poly = clip(poly, A[a]![0] - A[b]![0], A[a]![1] - A[b]![1], c[a]! - c[b]!);
    }
    if (poly.length >= 3) parts.push([a, poly]);
  }
  return parts;
}

/**
 * About how many bytes renderSliceSvg(result) produces, without building it: a fixed frame plus, per
 * region, its path element and ~16 bytes per vertex, and ~32 per decision-boundary segment. Parts of
 * regions that straddle the decision boundary add to this, so it errs by tens of per cent, not factors.
 */
export function estimateSliceSvgBytes(result: SliceResult): number {
  let n = 8192;
  for (const r of result.regions ?? []) n += 90 + 16 * r.polygon.length;
  return n + 32 * result.decisionBoundary.segments.length;
}
