// One unit layer's condensation: the kept neurons, counts for every rule and threshold, the
// clusters of the main rule, the spectrum, both display orders and (for 1-D inputs) the features.
import { activations } from "../../core/activations.js";
import { multiplicityOf } from "../../core/weights/multiplicity.js";
import { ClusterRule, CLUSTER_RULES, Counts, countLines, Line, linesBy } from "./clusters.js";
import { cosineMeasure, CosineMeasure, eigenvectorOrder, features1d, spectrum, UnitLayer } from "./measure.js";

/** The settings the layer analysis needs (the lens's options, resolved). */
export interface LayerSettings {
  threshold: number;
  thresholds: number[];
  rule: ClusterRule;
  minShare: number;
  normCut: number;
  traceShare: number;
  /** Include S when at most this many neurons are kept. */
  matrixMax: number;
}

/** One line of the main rule, in unit indices. */
export interface LineReport {
  leader: number;
  size: number;
  share: number;
  weightedShare: number;
  counted: boolean;
  positive: { units: number[]; counted: boolean };
  negative: { units: number[]; counted: boolean };
}

/** What the lens reports for one unit layer. */
export interface LayerCondensation {
  layer: string;
  index: number;
  kind: "dense" | "conv2d";
  activation: string;
  /** The activation's multiplicity p (null where undefined, e.g. ReLU's kink), computed numerically. */
  multiplicity: number | null;
  multiplicityNote?: string;
  units: number;
  /** Length of u_k = (w_k, b_k). */
  dim: number;
  kept: number;
  /** Units left out for ‖u_k‖ < normCut × the layer's largest. */
  belowNorm: number;
  largestNorm: number;
  /** The main rule at the main threshold. */
  lines: number;
  orientations: number;
  fractionInLines: number;
  fractionInOrientations: number;
  /** Every rule at every threshold (the main one included). */
  counts: Counts[];
  /** Lines of the main rule, counted first, largest first. */
  clusters: LineReport[];
  /** Weights of the weighted counts: ‖a_k‖·‖u_k‖ when the layer's output weights are known, else ‖u_k‖. */
  weightedBy: "|a_k|·|u_k|" | "|u_k|";
  spectrum: { eigenvalues: number[]; count: number; share: number };
  /** Unit indices of the kept neurons in the two display orders. */
  order: { keptUnits: number[]; eigenvector: number[]; cluster: number[] };
  /** S over the kept neurons in `order.keptUnits` order (row-major), when kept ≤ matrixMax. */
  cosine?: number[];
  /** θ_k and A_k of the kept neurons (1-D input, one output), in keptUnits order. */
  features?: { theta: number[]; amplitude: number[] };
}

/** The layer's analysis plus the raw measure (for merging), not serialised. */
export interface LayerAnalysis {
  report: LayerCondensation;
  measure: CosineMeasure;
  lines: Line[];
}

/** Analyse one unit layer under the settings. */
export function analyzeLayer(u: UnitLayer, s: LayerSettings): LayerAnalysis {
  const m = cosineMeasure(u, s.normCut);
  const n = m.kept.length;
  const weights = new Float64Array(n);
  m.kept.forEach((k, i) => {
    let a = 1;
    if (u.outWeights && u.outputs) {
      let q = 0;
      for (let o = 0; o < u.outputs; o++) q += u.outWeights[k * u.outputs + o]! ** 2;
      a = Math.sqrt(q);
    }
    weights[i] = a * m.norms[k]!;
  });
  const thresholds = [...new Set([...s.thresholds, s.threshold])].sort((a, b) => a - b);
  const counts: Counts[] = [];
  let main: Line[] = [];
  let mainCounts: Counts | undefined;
  for (const rule of CLUSTER_RULES) {
    for (const t of thresholds) {
      const lines = linesBy(rule, m.cosine, n, t);
      const c = countLines(lines, weights, s.minShare, rule, t);
      counts.push(c);
      if (rule === s.rule && t === s.threshold) { main = lines; mainCounts = c; }
    }
  }
  const mc = mainCounts!;
  const total = weights.reduce((a, b) => a + b, 0);
  const need = s.minShare * n;
  const toUnits = (g: number[]): number[] => g.map((i) => m.kept[i]!);
  const wOf = (g: number[]): number => g.reduce((a, i) => a + weights[i]!, 0);
  const clusters: LineReport[] = main.map((l) => ({
    leader: m.kept[l.leader]!,
    size: l.members.length,
    share: n > 0 ? l.members.length / n : 0,
    weightedShare: total > 0 ? wOf(l.members) / total : 0,
    counted: n > 0 && l.members.length >= need,
    positive: { units: toUnits(l.positive), counted: n > 0 && l.positive.length >= need },
    negative: { units: toUnits(l.negative), counted: n > 0 && l.negative.length > 0 && l.negative.length >= need },
  })).sort((a, b) => Number(b.counted) - Number(a.counted) || b.size - a.size || a.leader - b.leader);
  const spec = spectrum(m, u.dim, s.traceShare);
  const byEig = eigenvectorOrder(spec).map((i) => m.kept[i]!);
  const byCluster = clusters.flatMap((c) => [...c.positive.units, ...c.negative.units]);
  const mult = multiplicityOf((x) => activations[u.activation].output(x, {}));
  let largest = 0;
  for (const v of m.norms) largest = Math.max(largest, v);
  const report: LayerCondensation = {
    layer: u.name, index: u.index, kind: u.kind, activation: u.activation,
    multiplicity: mult.order, ...(mult.reason ? { multiplicityNote: mult.reason } : {}),
    units: u.units, dim: u.dim, kept: n, belowNorm: m.dropped.length, largestNorm: largest,
    lines: mc.lines, orientations: mc.orientations, fractionInLines: mc.fractionInLines, fractionInOrientations: mc.fractionInOrientations,
    counts, clusters,
    weightedBy: u.outWeights ? "|a_k|·|u_k|" : "|u_k|",
    spectrum: { eigenvalues: spec.eigenvalues, count: spec.count, share: spec.share },
    order: { keptUnits: [...m.kept], eigenvector: byEig, cluster: byCluster },
  };
  if (n <= s.matrixMax) report.cosine = Array.from(m.cosine);
  const f = features1d(u, m.norms, m.kept);
  if (f) report.features = f;
  return { report, measure: m, lines: main };
}

/** The counted orientations of the main rule as groups of unit indices (each becomes one merged neuron). */
export function countedOrientations(r: LayerCondensation): number[][] {
  const out: number[][] = [];
  for (const c of r.clusters) for (const h of [c.positive, c.negative]) if (h.counted && h.units.length > 0) out.push([...h.units].sort((a, b) => a - b));
  return out;
}
