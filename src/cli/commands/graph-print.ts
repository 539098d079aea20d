// The human-readable tables of `netsize graph`: per layer strengths, degree, centrality share and cores;
// per weight matrix Scabini's signed strengths; the most central nodes; per snapshot of a run the summaries and their change.
import path from "node:path";
import { formatTable } from "../shared.js";
import type { GraphResult, GraphRunResult } from "../../lenses/graph/index.js";

const g = (x: number): string => (x === 0 ? "0" : !Number.isFinite(x) ? String(x) : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e5 ? x.toPrecision(4) : x.toExponential(2));
const ms = (x: number | undefined): string => `${(x ?? 0).toFixed(0)} ms`;

/** The summary of one model. */
export function modelSummary(r: GraphResult, model: string): string {
  const c = r.centrality;
  let s = `graph of ${path.basename(model)}: ${r.graph.nodes.toLocaleString("en-US")} nodes, ${r.graph.edges.toLocaleString("en-US")} edges (${r.graph.view} view${r.graph.graphology ? ", built with graphology" : ""})\n`;
  for (const n of r.graph.notes) s += `  · ${n}\n`;
  s += "\n" + formatTable(
    ["layer", "kind", "nodes", "strength mean", "variance", "max", "fluctuation", "degree", "centrality share", "core max", "at max", "hypercore max", "at max"],
    r.layers.map((l) => [l.name, l.kind, l.size, g(l.strength.mean), g(l.strength.variance), g(l.strength.max), g(l.fluctuation), g(l.degree.mean), g(l.centrality.share), l.core.max, l.core.count,
      l.hypercore && "max" in l.hypercore ? g(l.hypercore.max) : "—", l.hypercore && "max" in l.hypercore ? l.hypercore.count : "—"]),
  );
  s += "\nsigned strengths (Scabini et al.: column sums = in-strength of each input, row sums = out-strength of each output)\n";
  s += formatTable(["matrix", "rows × cols", "var(column sums)", "var(row sums)", "score", "edges kept for cores", "cut |w|"],
    r.matrices.map((m) => { const b = r.graph.blocks.find((x) => x.name === m.layer); return [m.layer, `${m.rows} × ${m.cols}`, g(m.columnSumVariance), g(m.rowSumVariance), g(m.score), b ? `${b.kept.toLocaleString("en-US")} of ${b.edges.toLocaleString("en-US")}` : "—", b ? g(b.cut) : "—"]; }));
  s += `\neigenvector centrality (${c.method}): λ_max ${c.lambdaMax.toPrecision(10)}, residual ‖Ax − λx‖ ${c.residual.toExponential(2)} (${c.relativeResidual.toExponential(2)} × λ_max), ${c.iterations} ${c.method === "lanczos" ? "cycles" : "iterations"}, ${c.matvecs} products${c.converged ? "" : " — NOT CONVERGED"}\n`;
  s += formatTable(["rank", "node", "layer", "centrality"], c.top.map((t, i) => [i + 1, t.label, t.layer, g(t.value)]));
  s += `\nk-cores of the graph keeping |w| at or above the ${r.cores.threshold} quantile per matrix (${r.cores.keptEdges.toLocaleString("en-US")} edges): degeneracy ${r.cores.degeneracy}\n`;
  const t = r.timings;
  s += `time ${ms(t.total)} (build ${ms(t.build)}, graphology ${ms(t.graphology)}, centrality ${ms(t.centrality)}, cores ${ms(t.cores)}, hypercores ${ms(t.hypercores)})\n`;
  return s;
}

/** The summary of a run: one row per snapshot and layer, then the change between snapshots. */
export function runSummary(r: GraphRunResult, run: string): string {
  let s = `graph over ${run}: ${r.frames.length} snapshots\n\n`;
  const rows: (string | number)[][] = [];
  for (const f of r.frames) for (const l of f.layers) rows.push([f.name, f.step, l.name, g(l.strengthMean), g(l.strengthVariance), g(l.fluctuation), l.coreMax, l.hypercoreMax === undefined ? "—" : g(l.hypercoreMax)]);
  s += formatTable(["snapshot", "step", "layer", "strength mean", "variance", "fluctuation", "core max", "hypercore max"], rows);
  s += "\n" + formatTable(["snapshot", "step", "test accuracy", "λ_max", "residual/λ", "degeneracy", "Δ centrality", "λ ratio", "Δ strength (per layer, relative)", "cores changed"],
    r.frames.map((f) => [f.name, f.step, f.metrics?.testAccuracy === undefined ? "—" : `${(100 * f.metrics.testAccuracy).toFixed(2)} %`, g(f.lambdaMax), f.relativeResidual.toExponential(1), f.degeneracy,
      f.change ? g(f.change.centrality) : "—", f.change ? g(f.change.lambdaRatio) : "—", f.change ? f.change.strength.map(g).join(" ") : (f.noChange ?? "—"), f.change ? f.change.coreChanged : "—"]));
  return s;
}
