// The graph over a training run (Vahedian et al.'s time-evolving graph): the per-layer summaries of
// every snapshot and how much each changed since the previous snapshot.
import { fail } from "../../core/errors.js";
import { LensContext, LensOptions, LensResultBase, checkAborted, since } from "../../core/lens.js";
import { Network } from "../../core/network.js";
import { GRAPH_DEFINITIONS, GRAPH_OPTIONS, GraphOptions, GraphResult, measureGraph, resolveGraphSettings } from "./graph.js";

/** One snapshot of a run, with what training measured at that moment (when known). */
export interface GraphRunSnapshot {
  name: string;
  epoch: number;
  step: number;
  network: Network;
  metrics?: { loss?: number; accuracy?: number; testLoss?: number; testAccuracy?: number };
}

/** The input of graph.run: the snapshots in training order. */
export interface GraphRunInput {
  snapshots: GraphRunSnapshot[];
}

/** One layer's summary in one snapshot. */
export interface FrameLayer {
  name: string;
  strengthMean: number;
  strengthVariance: number;
  strengthMax: number;
  fluctuation: number;
  centralityShare: number;
  coreMax: number;
  hypercoreMax?: number;
}

/** The change of a snapshot against the previous one (same graph structure only). */
export interface FrameChange {
  /** Per layer: ‖s_t − s_{t−1}‖₂ / ‖s_{t−1}‖₂ of the strength vector. */
  strength: number[];
  /** ‖x_t − x_{t−1}‖₂ of the unit centrality vectors. */
  centrality: number;
  /** λ_max,t / λ_max,t−1. */
  lambdaRatio: number;
  /** Nodes whose core number changed. */
  coreChanged: number;
}

/** One snapshot's summary. */
export interface GraphFrame {
  name: string;
  epoch: number;
  step: number;
  metrics?: GraphRunSnapshot["metrics"];
  nodes: number;
  edges: number;
  lambdaMax: number;
  relativeResidual: number;
  converged: boolean;
  degeneracy: number;
  layers: FrameLayer[];
  matrices: { layer: string; columnSumVariance: number; rowSumVariance: number }[];
  change?: FrameChange;
  /** Why there is no change (the first snapshot, or a different structure). */
  noChange?: string;
}

/** The result of graph.run (schema "netsize.graph.run/1"). */
export interface GraphRunResult extends LensResultBase {
  schema: "netsize.graph.run/1";
  definitions: Record<string, string>;
  frames: GraphFrame[];
}

/** Options of graph.run: the graph lens's, less those of one picture or one node list. */
export type GraphRunOptions = Omit<GraphOptions, "drawNodes" | "drawEdges" | "sizeBy" | "perNode" | "top">;

/** The run lens's options. */
export const GRAPH_RUN_OPTIONS: LensOptions<GraphRunOptions> = (() => {
  const { drawNodes: _a, drawEdges: _b, sizeBy: _c, perNode: _d, top: _e, ...rest } = GRAPH_OPTIONS;
  return rest;
})();

/** A summary of one snapshot from its full measures. */
export function frameOf(snap: GraphRunSnapshot, r: GraphResult): GraphFrame {
  return {
    name: snap.name, epoch: snap.epoch, step: snap.step, ...(snap.metrics ? { metrics: snap.metrics } : {}),
    nodes: r.graph.nodes, edges: r.graph.edges, lambdaMax: r.centrality.lambdaMax, relativeResidual: r.centrality.relativeResidual,
    converged: r.centrality.converged, degeneracy: r.cores.degeneracy,
    layers: r.layers.map((l) => ({
      name: l.name, strengthMean: l.strength.mean, strengthVariance: l.strength.variance, strengthMax: l.strength.max, fluctuation: l.fluctuation,
      centralityShare: l.centrality.share, coreMax: l.core.max, ...(l.hypercore && "max" in l.hypercore ? { hypercoreMax: l.hypercore.max } : {}),
    })),
    matrices: r.matrices.map((m) => ({ layer: m.layer, columnSumVariance: m.columnSumVariance, rowSumVariance: m.rowSumVariance })),
  };
}

/** The change between two snapshots' measures, or why it cannot be taken. */
export function changeBetween(prev: GraphResult, cur: GraphResult): FrameChange | string {
  const same = prev.graph.nodes === cur.graph.nodes && prev.layers.length === cur.layers.length && prev.layers.every((l, i) => l.size === cur.layers[i]!.size);
  if (!same) return "the graph's layers differ from the previous snapshot's";
  const a = prev.vectors!, b = cur.vectors!;
  let off = 0;
  const strength = cur.layers.map((l) => {
    let d = 0, n = 0;
    for (let i = off; i < off + l.size; i++) { d += (b.strength[i]! - a.strength[i]!) ** 2; n += a.strength[i]! ** 2; }
    off += l.size;
    return n > 0 ? Math.sqrt(d / n) : d > 0 ? Infinity : 0;
  });
  let dc = 0, coreChanged = 0;
  for (let i = 0; i < a.centrality.length; i++) { dc += (b.centrality[i]! - a.centrality[i]!) ** 2; if (a.core[i] !== b.core[i]) coreChanged++; }
  return { strength, centrality: Math.sqrt(dc), lambdaRatio: prev.centrality.lambdaMax > 0 ? cur.centrality.lambdaMax / prev.centrality.lambdaMax : 0, coreChanged };
}

/** The graph measures of every snapshot of a run, and the change between consecutive ones. */
export async function graphOverRun(input: GraphRunInput, opts: GraphRunOptions = {}, ctx: LensContext = {}): Promise<GraphRunResult> {
  const t0 = performance.now();
  const s = resolveGraphSettings({ ...opts, drawNodes: 0, drawEdges: 0, perNode: false, top: 0 });
  if (!input || !Array.isArray(input.snapshots) || input.snapshots.length === 0) fail("BAD_ARGUMENT", "the graph over a run needs at least one snapshot");
  const frames: GraphFrame[] = [];
  let prev: GraphResult | undefined;
  for (const [i, snap] of input.snapshots.entries()) {
    checkAborted(ctx);
    ctx.onProgress?.({ done: i, total: input.snapshots.length, stage: snap.name });
    const r = measureGraph(snap.network, s);
    const f = frameOf(snap, r);
    if (prev) { const c = changeBetween(prev, r); if (typeof c === "string") f.noChange = c; else f.change = c; }
    else f.noChange = "the first snapshot";
    frames.push(f);
    prev = r;
  }
  const { drawNodes: _a, drawEdges: _b, sizeBy: _c, perNode: _d, top: _e, ...echo } = s;
  return { schema: "netsize.graph.run/1", options: echo, tolerance: { centralityTol: s.tol }, timings: { total: since(t0) }, definitions: GRAPH_DEFINITIONS, frames };
}
