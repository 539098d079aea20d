/** Report sections of info, eval, stability/compress, simplicity, condensation and graph. */
import type { InfoResult } from "../lenses/info/index.js";
import type { EvalResult } from "../lenses/eval/index.js";
import type { CompressRunResult, EquivalenceReport, StabilityResult } from "../lenses/stability/index.js";
import type { SimplicityResult } from "../lenses/simplicity/index.js";
import type { CondensationResult, LayerCondensation } from "../lenses/condensation/index.js";
import type { GraphResult } from "../lenses/graph/index.js";
import { renderCondensationStripSvg } from "./condensation-svg.js";
import { renderGraphDrawingSvg } from "./graph-svg.js";
import { renderPruneSvg } from "./prune-svg.js";
import { gdvSvg, rankSvg, stabilityBarsSvg } from "./charts.js";
import { esc, figureHtml, figureOf, int, num, pct, tableHtml } from "./html.js";
import type { SectionContext } from "./sections-regions.js";

/** The layer table of info. */
export async function infoSection(r: InfoResult): Promise<string> {
  return `<p>Input [${r.inputShape.join(", ")}], output [${r.outputShape.join(", ")}]; <b>${int(r.params)}</b> parameters, <b>${int(r.units)}</b> units; ${r.piecewiseLinear ? "piecewise linear: the exact lenses apply" : "not piecewise linear: the exact region lenses do not apply"}${r.outputTransform ? `; output transform ${esc(r.outputTransform)}` : ""}.</p>
${tableHtml(["#", "layer", "kind", "shape", "units", "parameters"], r.layers.map((l, i) => [String(i), esc(l.name), esc(l.kind), `[${l.shape.join(", ")}]`, l.units ? int(l.units) : "", l.params ? int(l.params) : ""]))}`;
}

/** Accuracy and per-class counts. */
export async function evalSection(r: EvalResult): Promise<string> {
  return `<p>Accuracy <b>${pct(r.accuracy)}</b> (${int(r.correct)} of ${int(r.n)}) on ${esc(r.data)}.</p>
${tableHtml(["class", "samples", "correct", "accuracy"], r.perClass.map((c) => [String(c.label), int(c.n), int(c.correct), pct(c.accuracy)]))}`;
}

/** Stability: per-layer bars and the stage table. */
export async function stabilitySection(s: StabilityResult, c: SectionContext): Promise<string> {
  const t = s.totals;
  const fig = figureHtml(figureOf(await stabilityBarsSvg(s), "stable units per layer", c.figures));
  return `<p><b>${int(t.stablyActive + t.stablyInactive)}</b> of ${int(t.units)} units are stable on ${esc(s.domain.source ?? "the domain")}: ${int(t.stablyActive)} always on, ${int(t.stablyInactive)} always off, ${int(t.unstable)} unstable (${int(t.provenUnstable)} proven by two witnesses), ${int(t.unknown)} unknown. Method ${esc(s.method)}, certificate ${esc(s.certificate)}${s.complete ? ", every unit decided" : ""}.</p>
${fig}
<h3>stages</h3>${tableHtml(["stage", "ms", "stable", "unstable", "undecided after"], s.stages.map((g) => [esc(g.stage), int(Math.round(g.ms)), int(g.stable), int(g.unstable), int(g.undecidedAfter)]))}`;
}

/** The compression: widths before and after, and the equivalence check. */
export async function compressSection(r: CompressRunResult): Promise<string> {
  const c = r.compression, eq = r.equivalence;
  return `<p>The network that is <b>exactly equal</b> on ${esc(c.domain.source ?? "the domain")}: ${int(c.before.params)} → <b>${int(c.after.params)}</b> parameters (${pct(c.after.params / Math.max(c.before.params, 1))}), ${int(c.before.units)} → ${int(c.after.units)} units; certificate ${esc(c.certificate)}. ${r.equal ? "Checked equal" : "<b>Not equal</b>"}: max |f − f'| = ${eq.maxAbsDiff.toExponential(2)} over ${int(eq.points)} points.</p>
${tableHtml(["layer", "units before", "units after", "constant removed", "folded", "merged"], c.layers.map((l) => [esc(l.name), int(l.unitsBefore), int(l.unitsAfter), int(l.removedConstant), int(l.folded), l.merged ? "yes" : "no"]))}`;
}

/** The equivalence check (from the compress run). */
export async function equivalenceSection(eq: EquivalenceReport): Promise<string> {
  const src = Object.entries(eq.sources).filter(([, v]) => v > 0).map(([k, v]) => `${int(v)} ${k}`).join(", ");
  return `<p>The compressed network against the original on ${int(eq.points)} points (${esc(src)}): max |f − f'| = <b>${eq.maxAbsDiff.toExponential(2)}</b> (tolerance ${eq.tolerance.equivalence}) with the ${esc(eq.engineName)} engine${eq.exported ? `; ${eq.exported.maxAbsDiff.toExponential(2)} through ${esc(eq.exported.runtime)} on the exported float${eq.exported.float} file` : ""}.</p>`;
}

/** Simplicity: the pruning curve, dead/undead units, representation ranks and the GDV by layer. */
export async function simplicitySection(r: SimplicityResult, c: SectionContext): Promise<string> {
  const parts: string[] = [`<p>On ${esc(r.data)} (${int(r.samples)} samples, ${esc(r.engine)} engine).</p>`];
  if (r.prunability) {
    const p = r.prunability;
    parts.push(`<h3>prunability</h3><p>ρ* = <b>${num(p.rhoStar, 3)}</b>: magnitude pruning to ${int(p.keptAtRhoStar)} of ${int(p.weights)} weights keeps the ${esc(p.loss)} loss within ${pct(Number(r.options.delta))} of ${num(p.lossFull)}${p.accuracyFull !== undefined ? ` (full accuracy ${pct(p.accuracyFull)})` : ""}, no retraining.</p>`);
    parts.push(figureHtml(figureOf(await renderPruneSvg(r, { width: 640, height: 260 }), "loss and accuracy against the kept fraction ρ", c.figures)));
  }
  if (r.units) {
    const cert = r.units.certification;
    parts.push(`<h3>dead and undead units</h3><p>Dead: never active on the data; undead: always active.${cert ? ` Certified on the data's bounding box by ${esc(cert.method)} (${esc(cert.certificate)}${cert.complete ? "" : ", incomplete"}).` : ""}</p>`);
    parts.push(tableHtml(["layer", "units", "dead", "undead", "certified dead", "certified undead"], r.units.layers.map((l) => [esc(l.name), int(l.units), int(l.dead), int(l.undead), l.certified ? int(l.certified.dead) : "—", l.certified ? int(l.certified.undead) : "—"])));
  }
  if (r.representations) {
    parts.push(`<h3>representations</h3>`);
    parts.push(figureHtml(figureOf(await rankSvg(r), "numerical and effective rank of each layer's representation", c.figures)));
    parts.push(tableHtml(["layer", "kind", "units", "sparsity", "rank", "effective rank", "mean |corr|", "constant units"], r.representations.layers.map((l) => [esc(l.name), esc(l.kind), int(l.units), pct(l.sparsity), int(l.rank), num(l.effectiveRank), num(l.correlation, 3), int(l.constantUnits)])));
  }
  if (r.gdv) {
    parts.push(`<h3>GDV by layer</h3>`);
    parts.push(figureHtml(figureOf(await gdvSvg(r), "GDV of each layer's representation", c.figures)));
  }
  return parts.join("\n");
}

/** A layer's cosine matrix averaged over blocks in eigenvector order, so at most `max` rows are embedded. */
export function aggregateLayer(l: LayerCondensation, max = 64): LayerCondensation {
  if (!l.cosine || l.kept <= max) return l;
  const n = l.kept, m = max;
  const pos = new Map(l.order.keptUnits.map((k, i) => [k, i]));
  const idx = l.order.eigenvector.map((k) => pos.get(k)!);
  const block = (i: number): [number, number] => [Math.floor((i * n) / m), Math.floor(((i + 1) * n) / m)];
  const S = new Array<number>(m * m).fill(0);
  for (let a = 0; a < m; a++) {
    const [r0, r1] = block(a);
    for (let b = 0; b < m; b++) {
      const [c0, c1] = block(b);
      let s = 0;
      for (let r = r0; r < r1; r++) for (let q = c0; q < c1; q++) s += l.cosine[idx[r]! * n + idx[q]!]!;
      S[a * m + b] = s / ((r1 - r0) * (c1 - c0));
    }
  }
  const ids = Array.from({ length: m }, (_, i) => i);
  return { ...l, cosine: S, kept: m, order: { keptUnits: ids, eigenvector: ids, cluster: ids } };
}

/** Condensation: counts per layer and the cosine heatmaps. */
export async function condensationSection(r: CondensationResult, c: SectionContext): Promise<string> {
  const withS = r.layers.filter((l) => l.cosine);
  const frames = withS.map((l) => ({ title: `${l.layer} (${l.activation})`, layer: aggregateLayer(l), note: `${l.orientations} orientations · ${l.kept}/${l.units} kept${l.kept > 64 ? " · 64 blocks" : ""}` }));
  const fig = frames.length ? figureHtml(figureOf(renderCondensationStripSvg(frames, { size: 240, perRow: 3 }), "cosine similarity of the neurons' input vectors (with bias), ordered by the leading eigenvector; large layers averaged over blocks", c.figures)) : "<p>No cosine matrix in the result (more kept neurons than matrixMax).</p>";
  const m = r.merge;
  return `<p>Onto how many lines (|cos| ≥ τ) and orientations (cos ≥ τ) the hidden neurons' input vectors gather, τ = ${String(r.options.threshold)}.${m ? ` Merged network: widths ${esc(m.widths.before.join("-"))} → <b>${esc(m.widths.after.join("-"))}</b>${m.exact ? " (exact)" : ""}${m.skipped ? ` — ${esc(m.skipped)}` : ""}.` : ""}</p>
${tableHtml(["layer", "units", "kept", "lines", "orientations", "share in orientations", "trace-share eigenvalues"], r.layers.map((l) => [esc(l.layer), int(l.units), int(l.kept), int(l.lines), int(l.orientations), pct(l.fractionInOrientations), int(l.spectrum.count)]))}
${fig}`;
}

/** Graph: the layered drawing and the per-layer measures. */
export async function graphSection(r: GraphResult, c: SectionContext): Promise<string> {
  const fig = r.drawing && r.drawing.layers.length ? figureHtml(figureOf(renderGraphDrawingSvg(r, { width: 900, height: 520 }), "the layered drawing: strongest nodes per layer and the heaviest edges", c.figures)) : "";
  return `<p>${int(r.graph.nodes)} nodes, ${int(r.graph.edges)} edges; λ_max of the |w| adjacency ${num(r.centrality.lambdaMax, 5)} (${r.centrality.converged ? "converged" : "not converged"}), degeneracy ${r.cores.degeneracy} of the thresholded graph (top ${Math.round(100 * (1 - r.cores.threshold))} % edges per matrix).</p>
${fig}
${tableHtml(["layer", "nodes", "mean strength", "fluctuation", "mean degree", "centrality share", "core max"], r.layers.map((l) => [esc(l.name), int(l.size), num(l.strength.mean), num(l.fluctuation), num(l.degree.mean), pct(l.centrality.share), int(l.core.max)]))}`;
}
