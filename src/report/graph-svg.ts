/**
 * Pictures of the graph lens: the layered drawing (hand-written SVG: one column per node layer,
 * nodes sized by strength or centrality, the heaviest edges coloured by sign), the strength and
 * degree distributions, and a run's per-layer summaries as line charts (vega-lite → SVG).
 */
import { vegaSvg } from "./vega.js";
import { fail } from "../core/errors.js";
import type { GraphResult, GraphRunResult } from "../lenses/graph/index.js";
import { CLASS_COLORS, xmlEscape } from "./colors.js";

/** Options of renderGraphDrawingSvg. */
export interface GraphDrawingOptions { width?: number; height?: number; title?: string }

/** The layered drawing of a graph result as an SVG document. */
export function renderGraphDrawingSvg(r: GraphResult, opts: GraphDrawingOptions = {}): string {
  const d = r.drawing;
  if (!d || d.layers.length === 0) fail("BAD_ARGUMENT", "the graph result has no drawing");
  const W = opts.width ?? 960, H = opts.height ?? 620, top = 78, bottom = 40, left = 70, right = 70;
  const cols = d.layers.length;
  const x = (l: number): number => (cols === 1 ? W / 2 : left + (l * (W - left - right)) / (cols - 1));
  const pos = new Map<string, [number, number]>();
  const inLayer = d.layers.map(() => [] as typeof d.nodes);
  for (const n of d.nodes) inLayer[n.layer]!.push(n);
  inLayer.forEach((ns, l) => ns.forEach((n, k) => pos.set(`${l}:${n.index}`, [x(l), top + ((k + 0.5) * (H - top - bottom)) / Math.max(ns.length, 1)])));
  const val = (n: (typeof d.nodes)[number]): number => (d.sizeBy === "centrality" ? n.centrality : n.strength);
  let vmax = 0, wmax = 0;
  for (const n of d.nodes) vmax = Math.max(vmax, val(n));
  for (const e of d.edges) wmax = Math.max(wmax, e.weight);
  const slot = (H - top - bottom) / Math.max(1, ...d.layers.map((l) => l.shown));
  const rmax = Math.max(2, Math.min(14, slot * 0.48));
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  const title = opts.title ?? `graph: ${r.graph.nodes.toLocaleString("en-US")} nodes, ${r.graph.edges.toLocaleString("en-US")} edges, λ_max ${r.centrality.lambdaMax.toPrecision(5)}`;
  parts.push(`<text x="12" y="24" font-size="16" font-weight="bold">${xmlEscape(title)}</text>`);
  parts.push(`<text x="12" y="44" font-size="11" fill="#444">${xmlEscape(`node area ∝ ${d.sizeBy}; the ${d.edges.length} heaviest of ${d.candidateEdges.toLocaleString("en-US")} edges among the shown nodes, width ∝ |w|; blue w > 0, red w < 0`)}</text>`);
  for (const e of [...d.edges].reverse()) {
    const a = pos.get(`${e.from[0]}:${e.from[1]}`), b = pos.get(`${e.to[0]}:${e.to[1]}`);
    if (!a || !b) continue;
    const t = wmax > 0 ? e.weight / wmax : 0;
    parts.push(`<line x1="${a[0].toFixed(1)}" y1="${a[1].toFixed(1)}" x2="${b[0].toFixed(1)}" y2="${b[1].toFixed(1)}" stroke="${e.signed >= 0 ? "#2166ac" : "#b2182b"}" stroke-width="${(0.3 + 2.2 * t).toFixed(2)}" stroke-opacity="${(0.15 + 0.6 * t).toFixed(2)}"/>`);
  }
  for (const n of d.nodes) {
    const [cx, cy] = pos.get(`${n.layer}:${n.index}`)!;
    const rr = vmax > 0 ? Math.max(1, rmax * Math.sqrt(val(n) / vmax)) : 1;
    parts.push(`<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${rr.toFixed(2)}" fill="${CLASS_COLORS[n.layer % CLASS_COLORS.length]}" stroke="#222" stroke-width="0.4"/>`);
  }
  d.layers.forEach((l, i) => {
    parts.push(`<text x="${x(i).toFixed(1)}" y="${top - 14}" font-size="12" text-anchor="middle" font-weight="bold">${xmlEscape(l.name.length > 18 ? l.name.slice(0, 17) + "…" : l.name)}</text>`);
    parts.push(`<text x="${x(i).toFixed(1)}" y="${H - 16}" font-size="11" text-anchor="middle" fill="#444">${xmlEscape(l.shown === l.size ? `${l.size} nodes` : `top ${l.shown} of ${l.size.toLocaleString("en-US")}`)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}


/** Each layer's strength histogram and thresholded-degree histogram as bar charts, one row per layer. */
export async function renderGraphDistributionsSvg(r: GraphResult, opts: { title?: string } = {}): Promise<string> {
  const rows: Record<string, unknown>[] = [];
  r.layers.forEach((l, i) => {
    const color = CLASS_COLORS[i % CLASS_COLORS.length];
    const bars = (h: { edges: number[]; counts: number[] }, title: string): Record<string, unknown> => ({
      width: 360, height: 90,
      data: { values: h.counts.map((c, k) => ({ lo: h.edges[k], hi: h.edges[k + 1], count: c })) },
      mark: { type: "bar", color, stroke: "white", strokeWidth: 0.5 },
      encoding: { x: { field: "lo", type: "quantitative", title, scale: { zero: false } }, x2: { field: "hi" }, y: { field: "count", type: "quantitative", title: "nodes" }, y2: { datum: 0 } },
    });
    rows.push({
      title: { text: `${l.name} (${l.size.toLocaleString("en-US")} nodes): strength mean ${l.strength.mean.toPrecision(4)}, variance ${l.strength.variance.toPrecision(4)}, core max ${l.core.max}`, fontSize: 11, anchor: "start" },
      hconcat: [bars(l.histograms.strength, "strength s = Σ|w|"), bars(l.histograms.degree, `degree (top ${Math.round(100 * (1 - r.cores.threshold))} % edges per matrix)`)],
    });
  });
  return vegaSvg({ title: { text: opts.title ?? "strength and degree distributions per layer", anchor: "start" }, vconcat: rows });
}

/** A run's per-layer summaries over the snapshots: strength mean, fluctuation, core max, and λ_max with (when known) test accuracy. */
export async function renderGraphRunSvg(r: GraphRunResult, opts: { title?: string } = {}): Promise<string> {
  if (r.frames.length === 0) fail("BAD_ARGUMENT", "the run result has no frames");
  const layerRows: Record<string, unknown>[] = [];
  for (const f of r.frames) for (const l of f.layers) layerRows.push({ step: f.step, layer: l.name, strength: l.strengthMean, fluctuation: l.fluctuation, core: l.coreMax });
  const globalRows = r.frames.map((f) => ({ step: f.step, lambda: f.lambdaMax, ...(f.metrics?.testAccuracy !== undefined ? { acc: f.metrics.testAccuracy } : {}), ...(f.change ? { dc: f.change.centrality } : {}) }));
  const x = { field: "step", type: "quantitative", title: "training step" } as const;
  const color = { field: "layer", type: "nominal", title: "layer", scale: { range: [...CLASS_COLORS] }, sort: null } as const;
  const line = (field: string, title: string): Record<string, unknown> => ({
    width: 300, height: 170, data: { values: layerRows }, mark: { type: "line", point: true },
    encoding: { x, y: { field, type: "quantitative", title, scale: { zero: false } }, color },
  });
  const lam = { width: 300, height: 170, data: { values: globalRows }, mark: { type: "line", point: true, color: "#333" }, encoding: { x, y: { field: "lambda", type: "quantitative", title: "λ_max", scale: { zero: false } } } };
  const hasAcc = globalRows.some((g) => "acc" in g), hasDc = globalRows.some((g) => "dc" in g);
  const extra: Record<string, unknown>[] = [];
  if (hasAcc) extra.push({ width: 300, height: 170, data: { values: globalRows.filter((g) => "acc" in g) }, mark: { type: "line", point: true, color: "#d62728" }, encoding: { x, y: { field: "acc", type: "quantitative", title: "test accuracy", axis: { format: ".0%" }, scale: { zero: false } } } });
  if (hasDc) extra.push({ width: 300, height: 170, data: { values: globalRows.filter((g) => "dc" in g) }, mark: { type: "line", point: true, color: "#555" }, encoding: { x, y: { field: "dc", type: "quantitative", title: "‖x_t − x_{t−1}‖ (centrality change)" } } });
  return vegaSvg({
    title: { text: opts.title ?? `graph over ${r.frames.length} snapshots`, subtitle: "per layer: mean strength, fluctuation (std of strengths), largest core number; λ_max of the |w| adjacency", anchor: "start" },
    vconcat: [{ hconcat: [line("strength", "mean strength"), line("fluctuation", "fluctuation (std of s)"), line("core", "largest core number")] }, { hconcat: [lam, ...extra] }],
  });
}
