/** The training-run part of a report: regions on a fixed slice and stable units against epoch, with the run's metrics, condensation and graph over the snapshots. */
import type { CondensationRunResult } from "../lenses/condensation/index.js";
import type { GraphRunResult } from "../lenses/graph/index.js";
import { renderCondensationStripSvg } from "./condensation-svg.js";
import { renderGraphRunSvg } from "./graph-svg.js";
import { runCurvesSvg, type RunPoint } from "./charts.js";
import { esc, figureHtml, figureOf, int, num, pct, sectionId, tableHtml, type FigureOptions } from "./html.js";
import type { ReportEntry } from "./plan.js";
import { aggregateLayer } from "./sections-other.js";

/** What a report knows about a training run. */
export interface RunReport {
  folder: string;
  points: RunPoint[];
  /** The fixed slice and the domain of the per-snapshot figures, in words. */
  slice: string;
  domain: string;
  /** Per-snapshot lenses that were skipped or failed, with why (e.g. "regions: …"). */
  notes: string[];
  /** condensation.run and graph.run entries. */
  entries: ReportEntry[];
}

/** The run section's HTML (id "run"), and the two run lenses' sections. */
export async function runSectionHtml(run: RunReport, figures: FigureOptions): Promise<string> {
  const parts: string[] = [];
  parts.push(`<section id="run"><h2>over the training run</h2><p class="meta">${esc(run.folder)}: ${run.points.length} snapshots; regions on ${esc(run.slice)}; stable units on ${esc(run.domain)}.</p>`);
  if (run.points.length) {
    parts.push(figureHtml(figureOf(await runCurvesSvg(run.points, { slice: "the fixed slice", domain: "the domain" }), "regions on the fixed slice, stable units, loss and accuracy against epoch", figures)));
    parts.push(tableHtml(["epoch", "step", "regions on the slice", "stable units", "loss", "accuracy", "test accuracy"], run.points.map((p) => [String(p.epoch), int(p.step), p.regions !== undefined ? int(p.regions) : "—",
      p.stable !== undefined ? `${int(p.stable)} of ${int(p.units ?? 0)}` : "—", num(p.loss), p.accuracy !== undefined ? pct(p.accuracy) : "—", p.testAccuracy !== undefined ? pct(p.testAccuracy) : "—"])));
  }
  for (const n of run.notes) parts.push(`<p class="why">${esc(n)}</p>`);
  parts.push("</section>");
  for (const e of run.entries) {
    const id = sectionId(e.lens);
    if (e.status !== "ok") { parts.push(`<section id="${id}" class="skipped"><h2>${esc(e.lens)}</h2><p class="why">skipped: ${esc(e.why ?? "")}</p></section>`); continue; }
    const meta = `<p class="meta">${esc(e.input ?? "")} · ${num(e.seconds ?? 0, 3)} s of its ${e.budget ?? "?"} s budget</p>`;
    if (e.lens === "condensation.run") {
      const r = e.result as CondensationRunResult;
      const frames = r.frames.filter((f) => f.layer.cosine).map((f) => ({ title: `epoch ${f.epoch} (step ${f.step})`, layer: aggregateLayer(f.layer, 48), note: `${f.layer.orientations} orient. · ${f.layer.kept}/${f.layer.units} kept` }));
      const shown = frames.length > 8 ? frames.filter((_f, i) => i % Math.ceil(frames.length / 8) === 0 || i === frames.length - 1) : frames;
      parts.push(`<section id="${id}"><h2>condensation over the run — layer ${esc(r.layer)}</h2>${meta}`);
      parts.push(tableHtml(["epoch", "step", "kept", "lines", "orientations", "share in orientations", "loss"], r.frames.map((f) => [String(f.epoch), int(f.step), int(f.layer.kept), int(f.layer.lines), int(f.layer.orientations), pct(f.layer.fractionInOrientations), num(f.loss)])));
      if (shown.length) parts.push(figureHtml(figureOf(renderCondensationStripSvg(shown, { size: 170, perRow: 4 }), "cosine heatmaps of the layer over the snapshots", figures)));
      parts.push("</section>");
    } else if (e.lens === "graph.run") {
      const r = e.result as GraphRunResult;
      parts.push(`<section id="${id}"><h2>graph over the run</h2>${meta}`);
      if (r.frames.length) parts.push(figureHtml(figureOf(await renderGraphRunSvg(r), "per-layer strength, fluctuation, core and λ_max over the snapshots", figures)));
      parts.push("</section>");
    }
  }
  return parts.join("\n");
}
