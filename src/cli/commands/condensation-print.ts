// The human-readable tables of `netsize condensation`: per layer (or per snapshot) the main counts,
// every rule and threshold side by side, the spectrum figure and the merged network's error.
import path from "node:path";
import { formatTable } from "../shared.js";
import type { CondensationResult, CondensationRunResult, LayerCondensation, MergeError } from "../../lenses/condensation/index.js";

const pct = (x: number): string => `${(100 * x).toFixed(0)} %`;
const g = (x: number): string => (x === 0 ? "0" : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(4) : x.toExponential(2));

function rule(r: { options: Record<string, unknown> }): string {
  const o = r.options;
  return `rule ${String(o.rule)}, τ = ${String(o.threshold)} (line: |cos| ≥ τ; orientation: cos ≥ τ), a cluster counts at ≥ ${pct(Number(o.minShare))} of the kept neurons; ` +
    `neurons below ${String(o.normCut)} × the largest ‖u_k‖ left out; eig = eigenvalues of S carrying ${pct(Number(o.traceShare))} of its trace`;
}

function side(l: LayerCondensation): string {
  const ts = [...new Set(l.counts.map((c) => c.threshold))];
  const rows = ["greedy", "complete"].map((ru) => [ru, ...ts.map((t) => { const c = l.counts.find((x) => x.rule === ru && x.threshold === t)!; return `${c.lines} / ${c.orientations}`; }),
    ...ts.map((t) => { const c = l.counts.find((x) => x.rule === ru && x.threshold === t)!; return `${c.weighted.lines} / ${c.weighted.orientations}`; })]);
  return formatTable(["lines / orientations", ...ts.map((t) => `τ ${t}`), ...ts.map((t) => `weighted τ ${t}`)], rows);
}

function errLine(e: MergeError): string {
  let s = `${e.data} (${e.n.toLocaleString("en-US")} samples): max |f − f'| ${e.maxAbsDiff.toExponential(2)}`;
  if (e.loss) s += `, ${e.loss.kind} loss ${g(e.loss.original)} → ${g(e.loss.merged)}`;
  if (e.accuracy) s += `, accuracy ${(100 * e.accuracy.original).toFixed(2)} % → ${(100 * e.accuracy.merged).toFixed(2)} %`;
  return s;
}

/** The summary of one model. */
export function modelSummary(r: CondensationResult, model: string): string {
  let s = `condensation of ${path.basename(model)} — ${rule(r)}\n\n`;
  s += formatTable(
    ["layer", "activation", "p", "units", "kept", "lines", "orientations", "in lines", "in orientations", "eig"],
    r.layers.map((l) => [l.layer, l.activation, l.multiplicity === null ? "—" : String(l.multiplicity), l.units, l.kept, l.lines, l.orientations, pct(l.fractionInLines), pct(l.fractionInOrientations), l.spectrum.count]),
  );
  for (const l of r.layers) s += `\n${l.layer}: every rule and threshold (weighted by ${l.weightedBy})\n${side(l)}`;
  const m = r.merge;
  if (m) {
    s += `\nmerged network (counted orientations → one neuron each, the rest kept): widths ${m.widths.before.join("-")} → ${m.widths.after.join("-")}, ${m.exact ? "exact" : "approximate"}\n`;
    for (const l of m.layers) s += `  ${l.layer}: ${l.reason}\n`;
    for (const e of m.errors) s += `  on ${errLine(e)}\n`;
    s += `orientations only (everything else removed): widths ${m.orientationsOnly.widths.join("-")}, ${m.orientationsOnly.exact ? "exact" : "approximate"}\n`;
    for (const e of m.orientationsOnly.errors) s += `  on ${errLine(e)}\n`;
    if (m.errors.length === 0) s += "  (give --data to measure the merged networks' error)\n";
    if (m.skipped) s += `  ${m.skipped}\n`;
  }
  return s;
}

/** The summary of a run: one row per snapshot. */
export function runSummary(r: CondensationRunResult, run: string): string {
  const l0 = r.frames[0]!.layer;
  let s = `condensation over ${run}, layer ${r.layer} (${l0.activation}, multiplicity p = ${l0.multiplicity ?? "undefined"}) — ${rule(r)}\n\n`;
  s += formatTable(
    ["snapshot", "step", "loss", "kept", "lines", "orientations", "in lines", "in orientations", "weighted lines / orient.", "eig"],
    r.frames.map((f) => [f.name, f.step, f.loss === undefined ? "—" : g(f.loss), f.layer.kept, f.layer.lines, f.layer.orientations, pct(f.layer.fractionInLines), pct(f.layer.fractionInOrientations),
      (() => { const c = f.layer.counts.find((x) => x.rule === f.layer.counts[0]!.rule && x.threshold === Number(r.options.threshold) && x.rule === r.options.rule)!; return `${c.weighted.lines} / ${c.weighted.orientations}`; })(),
      f.layer.spectrum.count]),
  );
  return s;
}
