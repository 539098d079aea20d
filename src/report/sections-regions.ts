/** The regions lenses' report sections: the slice partition, the line's knots, box regions, sampled patterns, the bounds. */
import { regionBounds, type BoundsResult, type BoxRegionsResult, type LineResult, type SampledRegionsResult, type SliceResult } from "../lenses/regions/index.js";
import { estimateSliceSvgBytes, renderSliceSvg } from "./slice-svg.js";
import { renderLineSvg } from "./line-svg.js";
import { big, esc, figureHtml, figureOf, int, num, tableHtml, type FigureOptions } from "./html.js";

/** What every section renderer gets besides its result. */
export interface SectionContext {
  figures: FigureOptions;
  /** Labels of the slice's anchor points. */
  sliceLabels: string[];
  /** Hidden widths of the network. */
  widths: number[];
}

/** The slice: its partition coloured by predicted class, the per-layer counts and the bound for a 2-D slice. */
export async function sliceSection(r: SliceResult, c: SectionContext): Promise<string> {
  const bound = regionBounds([2, ...c.widths]).bounds;
  let fig = "";
  if (r.regions) {
    const svg = renderSliceSvg(r, { anchorLabels: c.sliceLabels, title: `${r.count.toLocaleString("en-US")} linear regions on the slice` });
    fig = figureHtml(figureOf(svg, `the slice partition: ${int(r.count)} regions coloured by predicted class, decision boundary in black (≈ ${int(estimateSliceSvgBytes(r))} bytes as SVG)`, c.figures));
  }
  const rows = r.perLayer.map((p) => [esc(p.name), int(p.regions)]);
  return `<p><b>${int(r.count)}</b> linear regions on the slice's domain (area ${num(r.domain.area)}), against at most ${big(bound.serraUpper)} for a 2-D slice of widths ${esc(c.widths.join("-"))} (Serra et al.; Montúfar's upper bound ${big(bound.montufar17Upper)}). Decision boundary ${num(r.decisionBoundary.length)} long in ${int(r.decisionBoundary.segments.length)} segments.</p>
${fig}
<h3>regions after each unit layer</h3>${tableHtml(["after layer", "regions"], rows)}`;
}

/** The line: the outputs along it with the knots, and the counts. */
export async function lineSection(r: LineResult, c: SectionContext): Promise<string> {
  const units = c.widths.reduce((s, w) => s + w, 0);
  const fig = r.intervals ? figureHtml(figureOf(await renderLineSvg(r, { title: `${int(r.count)} intervals, ${int(r.knots.length)} knots along the line` }), "outputs along the line; knots (slope changes) as rules", c.figures)) : "";
  return `<p><b>${int(r.knots.length)}</b> knots (breakpoints where the output's slope changes) and ${int(r.breakpoints.length)} breakpoints along ${r.path.segments.length} segment${r.path.segments.length === 1 ? "" : "s"}: <b>${num(r.knots.length / Math.max(units, 1), 3)}</b> knots per neuron (${int(units)} units); ${int(r.pieces)} linear pieces of the output, the most a line can cross being ${big(regionBounds([1, ...c.widths]).bounds.lineMaximum)}.</p>
${fig}
${tableHtml(["after layer", "intervals"], r.perLayer.map((p) => [esc(p.name), int(p.regions)]))}`;
}

/** Exact box regions: the count, the units that cut the box. */
export async function boxSection(r: BoxRegionsResult): Promise<string> {
  return `<p><b>${int(r.count)}</b> linear regions of the box${r.complete ? "" : " (stopped at the limit: a lower bound)"} with ${r.freeInputs.length} free inputs (${esc(r.box.source ?? "")}); ${int(r.unitsCutting)} units cut it, ${int(r.facets)} facets, ${int(r.lpSolves)} LP solves, ${int(r.slivers)} slivers skipped.</p>
${tableHtml(["layer", "units"], r.unitLayers.map((l) => [esc(l.name), int(l.units)]))}`;
}

/** Sampled patterns: distinct patterns per layer, never/always active units. */
export async function sampledSection(r: SampledRegionsResult): Promise<string> {
  return `<p><b>${int(r.distinctPatterns)}</b> distinct activation patterns among ${int(r.samples.n)} samples (${esc(r.samples.source)}; a lower bound on the regions they meet); ${int(r.singletons)} patterns met once, at most ${int(r.maxMultiplicity)} samples share one.</p>
${tableHtml(["layer", "units", "distinct (layer alone)", "distinct (layers 1..l)", "never active", "always active"], r.layers.map((l) => [esc(l.name), int(l.units), int(l.distinct), int(l.distinctUpTo), int(l.neverActive), int(l.alwaysActive)]))}`;
}

/** The theoretical bounds of the architecture. */
export async function boundsSection(r: BoundsResult): Promise<string> {
  const b = r.bounds;
  const rows: [string, string][] = [
    ["Zaslavsky, first hidden layer alone", b.firstLayerZaslavsky], ["one shallow layer with all units", b.shallowSameUnits],
    ...(b.montufar14Lower ? [["Montúfar et al. 2014 (lower bound on the maximum)", b.montufar14Lower] as [string, string]] : []),
    ["Montúfar 2017 (upper)", b.montufar17Upper], ["Serra et al. 2018 (upper)", b.serraUpper], ["trivial 2^units", b.trivialUpper], ["along a line", b.lineMaximum],
  ];
  return `<p>Widths ${esc(r.widths.join("-"))} (input dimension ${r.inputDim}, ${int(r.hiddenUnits)} hidden units): the most linear regions this architecture can have on its whole input space.</p>
${tableHtml(["bound", "regions"], rows.map(([k, v]) => [esc(k), big(v)]))}`;
}
