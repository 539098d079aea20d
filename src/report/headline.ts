/**
 * The headline table, "the empirical size": one row per lens, each a measured figure set against the
 * parameter count, the unit count or the most it could be, its cell linking to the lens's section.
 */
import type { InfoResult } from "../lenses/info/index.js";
import type { EvalResult } from "../lenses/eval/index.js";
import { regionBounds, type BoundsResult, type BoxRegionsResult, type LineResult, type SampledRegionsResult, type SliceResult } from "../lenses/regions/index.js";
import type { CompressRunResult } from "../lenses/stability/index.js";
import type { SimplicityResult } from "../lenses/simplicity/index.js";
import type { CondensationResult } from "../lenses/condensation/index.js";
import type { EnsembleResult, ShallowResult } from "../lenses/shallow/index.js";
import type { GraphResult } from "../lenses/graph/index.js";
import type { ReportEntry } from "./plan.js";
import { big, esc, int, num, pct, sectionId } from "./html.js";

/** One headline row: the measure, the figure (HTML), what it is against (HTML), and the lens whose section it links to. */
export interface HeadlineRow {
  measure: string;
  value: string;
  against: string;
  lens: string;
}

/** The hidden widths of the network (units per unit layer) from info. */
export function hiddenWidths(info: InfoResult): number[] {
  return info.layers.filter((l) => l.units > 0).map((l) => l.units);
}

function ok<T>(entries: Map<string, ReportEntry>, lens: string): T | undefined {
  const e = entries.get(lens);
  return e?.status === "ok" ? (e.result as T) : undefined;
}

/** The headline rows for a report's entries (rows whose lens was skipped say so). */
export function headlineRows(info: InfoResult, entries: Map<string, ReportEntry>): HeadlineRow[] {
  const rows: HeadlineRow[] = [];
  const P = info.params, U = info.units, widths = hiddenWidths(info);
  const add = (lens: string, measure: string, value: string, against: string): void => { rows.push({ lens, measure, value, against }); };
  const skipped = (lens: string, measure: string): void => {
    const e = entries.get(lens);
    rows.push({ lens, measure, value: "skipped", against: `<span class="why">${esc(e?.why ?? "not run")}</span>` });
  };
  add("info", "parameters / units", `${int(P)} / ${int(U)}`, `${esc(widths.join("-") || "no hidden units")} hidden widths`);
  const ev = ok<EvalResult>(entries, "eval");
  if (ev) add("eval", "accuracy", pct(ev.accuracy), `${int(ev.correct)} of ${int(ev.n)} samples`);
  const slice = ok<SliceResult>(entries, "regions.slice");
  if (slice) {
    const bound = regionBounds([2, ...widths]).bounds.serraUpper;
    add("regions.slice", "linear regions on the slice (exact)", int(slice.count), `most a 2-D slice of these widths can hold: ${big(bound)} (Serra)`);
  } else skipped("regions.slice", "linear regions on the slice");
  const line = ok<LineResult>(entries, "regions.line");
  if (line) add("regions.line", "knots per neuron on a line", num(line.knots.length / Math.max(U, 1), 3), `${int(line.knots.length)} knots, ${int(line.pieces)} pieces, ${int(U)} units; a line can hold ${big(regionBounds([1, ...widths]).bounds.serraUpper)}`);
  else skipped("regions.line", "knots per neuron on a line");
  const box = ok<BoxRegionsResult>(entries, "regions.box");
  if (box) add("regions.box", "linear regions of the domain box (exact)", `${int(box.count)}${box.complete ? "" : "+"}`, `${int(box.unitsCutting)} of ${int(U)} units cut the box (${box.freeInputs.length} free inputs)`);
  else if (entries.get("regions.box")?.partial) add("regions.box", "linear regions of the domain box", `≥ ${int((entries.get("regions.box")!.partial as BoxRegionsResult).count)}`, `<span class="why">${esc(entries.get("regions.box")!.why ?? "")}</span>`);
  const sampled = ok<SampledRegionsResult>(entries, "regions.sampled");
  if (sampled) add("regions.sampled", "distinct activation patterns among samples", int(sampled.distinctPatterns), `of ${int(sampled.samples.n)} samples (${esc(sampled.samples.source)}); ${int(sampled.singletons)} met by one sample only`);
  const bounds = ok<BoundsResult>(entries, "regions.bounds");
  if (bounds) add("regions.bounds", "most regions of the whole input space", big(bounds.bounds.serraUpper), `Serra et al.'s bound (trivial: 2^${int(bounds.hiddenUnits)})`);
  const comp = ok<CompressRunResult>(entries, "compress");
  if (comp) {
    const t = comp.stability.totals;
    add("stability", "stable units on the domain", `${int(t.stablyActive + t.stablyInactive)} of ${int(t.units)}`, `${int(t.stablyActive)} always on, ${int(t.stablyInactive)} always off; certificate ${esc(comp.stability.certificate)}${t.unknown ? `, ${int(t.unknown)} unknown` : ""}`);
    const c = comp.compression;
    add("compress", "exactly equal smaller network", `${int(c.after.params)} parameters`, `${pct(c.after.params / Math.max(c.before.params, 1))} of ${int(c.before.params)}; ${int(c.after.units)} of ${int(c.before.units)} units; max |f − f'| ${comp.equivalence.maxAbsDiff.toExponential(1)}`);
  } else { skipped("stability", "stable units on the domain"); skipped("compress", "exactly equal smaller network"); }
  const cond = ok<CondensationResult>(entries, "condensation");
  if (cond) {
    const orient = cond.layers.reduce((s, l) => s + l.orientations, 0), units = cond.layers.reduce((s, l) => s + l.units, 0);
    const merged = cond.merge?.widths.after;
    add("condensation", "condensed orientations", `${int(orient)} of ${int(units)} units`, `${esc(cond.layers.map((l) => `${l.orientations}`).join(" + "))} per layer at τ = ${String(cond.options.threshold)}${merged ? `; merged widths ${esc(merged.join("-"))}${cond.merge?.exact ? " (exact)" : ""}` : ""}`);
  } else skipped("condensation", "condensed orientations");
  const simp = ok<SimplicityResult>(entries, "simplicity");
  if (simp) {
    const pr = simp.prunability;
    if (pr) add("simplicity", "prunability ρ*", num(pr.rhoStar, 3), `${int(pr.keptAtRhoStar)} of ${int(pr.weights)} weights keep the loss within ${pct(Number(simp.options.delta))}`);
    const reps = simp.representations?.layers.filter((l) => l.kind === "activation") ?? [];
    if (reps.length) add("simplicity", "representation rank", esc(reps.map((l) => `${l.rank}`).join(" / ")), `of widths ${esc(reps.map((l) => `${l.units}`).join(" / "))} on ${esc(simp.data)}`);
    const ul = simp.units?.layers ?? [];
    if (ul.length) add("simplicity", "dead / undead units on data", `${int(ul.reduce((s, l) => s + l.dead, 0))} / ${int(ul.reduce((s, l) => s + l.undead, 0))}`, `of ${int(ul.reduce((s, l) => s + l.units, 0))} units`);
    const g = simp.gdv?.layers;
    if (g && g.length) add("simplicity", "GDV at the last layer", num(g[g.length - 1]!.gdv, 3), `input ${num(g[0]!.gdv, 3)}; more negative is better separated`);
  } else skipped("simplicity", "prunability, rank, dead units, GDV");
  const graph = ok<GraphResult>(entries, "graph");
  if (graph) add("graph", "graph", `${int(graph.graph.nodes)} nodes, ${int(graph.graph.edges)} edges`, `λ_max ${num(graph.centrality.lambdaMax, 4)}, degeneracy ${graph.cores.degeneracy} of the top ${Math.round(100 * (1 - graph.cores.threshold))} % edges`);
  else skipped("graph", "graph");
  const sh = ok<ShallowResult>(entries, "shallow");
  if (sh) add("shallow", "exact shallow form on the box", `max of ${int(sh.totals.shallowTerms)} one-hidden-layer nets`, `${int(sh.totals.hiddenUnits)} hidden units in all against the network's ${int(sh.original.hiddenUnits)}; ${int(sh.regions)} regions; max |f − f'| ${sh.check.maxAbsDiff.toExponential(1)}`);
  else skipped("shallow", "exact shallow form on the box");
  const en = ok<EnsembleResult>(entries, "ensemble");
  if (en) add("ensemble", "ensemble of sub-networks (Olson)", `${en.members.length} members`, `training errors ${pct(Math.min(...en.members.map((m) => m.error)))}–${pct(Math.max(...en.members.map((m) => m.error)))} against the network's ${pct(en.networkError)}; residual correlation ${num(en.meanResidualCorrelation, 2)}`);
  else skipped("ensemble", "ensemble of sub-networks (Olson)");
  return rows;
}

/** The headline table's HTML; `href` maps a lens to its link (default: its section in this page). */
export function headlineHtml(rows: HeadlineRow[], href: (lens: string) => string = (l) => `#${sectionId(l)}`): string {
  const tr = rows.map((r) => `<tr><td><a href="${href(r.lens)}">${esc(r.measure)}</a></td><td><a href="${href(r.lens)}">${r.value}</a></td><td>${r.against}</td></tr>`);
  return `<table class="headline"><thead><tr><th>measure</th><th>empirical size</th><th>against</th></tr></thead><tbody>\n${tr.join("\n")}\n</tbody></table>`;
}
