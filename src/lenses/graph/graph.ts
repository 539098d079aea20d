// The graph lens: a network as a weighted multipartite graph (Scabini et al., Limnios et al.,
// Vahedian et al., La Malfa et al.): strengths, signed strengths, eigenvector centrality, k-cores
// and k-hypercores, per layer, with their distributions and a layered drawing.
import { fail } from "../../core/errors.js";
import { LensContext, LensOptions, LensResultBase, checkAborted, since } from "../../core/lens.js";
import { Network } from "../../core/network.js";
import { csrOf, edgesOfGraphology, toGraphology } from "./adjacency.js";
import { buildGraph, ConvView, layerOfNode, NetGraph, nodeLabel } from "./build.js";
import { CENTRALITY_METHODS, CentralityMethod, eigenvectorCentrality } from "./centrality.js";
import { blockHypercores, thresholdedCores } from "./cores.js";
import { Drawing, selectDrawing } from "./drawing.js";
import { histogramOf, Histogram, nodeStrengths, SignedStrengths, signedStrengthsOfNetwork, Stats, statsOf } from "./measures.js";

/** Options of the graph lens. */
export interface GraphOptions {
  view?: ConvView;
  threshold?: number;
  hypercoreLambda?: number;
  centrality?: CentralityMethod;
  tol?: number;
  maxMatvecs?: number;
  graphology?: boolean;
  top?: number;
  bins?: number;
  drawNodes?: number;
  drawEdges?: number;
  sizeBy?: "strength" | "centrality";
  perNode?: boolean;
  maxEdges?: number;
}

/** The lens's options, each default stated once. */
export const GRAPH_OPTIONS: LensOptions<GraphOptions> = {
  view: { default: "rolled", description: "conv layers as channel nodes with edge ‖K_oc‖₂ (rolled, Vahedian et al.) or as one node per channel and pixel (unrolled; for small inputs)" },
  threshold: { default: 0.9, description: "k-cores: per weight matrix keep the edges with |w| at or above this quantile of its |w| (0.9: the top 10 %), then unweighted core numbers" },
  hypercoreLambda: { default: 0.5, description: "k-hypercore hyperedge threshold l as a fraction of the mean hyperedge degree (the training lab's --hypercore-lambda)" },
  centrality: { default: "lanczos", description: "eigenvector centrality method: lanczos (restarted, fully reorthogonalised) or shifted-power (power iteration on A + cI)" },
  tol: { default: 1e-10, description: "eigenvector centrality: stop when ‖Ax − λx‖₂ ≤ tol·λ_max" },
  maxMatvecs: { default: 20000, description: "eigenvector centrality: the most matrix–vector products before giving up (reported as not converged)" },
  graphology: { default: true, description: "build the graph as a graphology UndirectedGraph and take the measures' adjacency from it (false: straight from the edge arrays; same numbers, faster)" },
  top: { default: 5, description: "how many of the most central nodes to list" },
  bins: { default: 20, description: "bins of each layer's strength and degree histograms" },
  drawNodes: { default: 40, description: "layered drawing: the most nodes shown per layer (the strongest by sizeBy)" },
  drawEdges: { default: 300, description: "layered drawing: the heaviest edges among the shown nodes" },
  sizeBy: { default: "strength", description: "layered drawing: node size by strength or by eigenvector centrality" },
  perNode: { default: false, description: "include every node's strength, centrality and core number in the result" },
  maxEdges: { default: 5000000, description: "the most edges the graph may have (an unrolled conv graph grows with the pixels)" },
};

/** Resolved, checked settings. */
export type GraphSettings = Required<GraphOptions>;

/** The options with defaults filled in, checked. */
export function resolveGraphSettings(o: GraphOptions = {}): GraphSettings {
  const s = {} as Record<string, unknown>;
  for (const [k, spec] of Object.entries(GRAPH_OPTIONS)) s[k] = (o as Record<string, unknown>)[k] ?? spec.default;
  const r = s as GraphSettings;
  if (!(r.threshold >= 0 && r.threshold <= 1)) fail("BAD_ARGUMENT", `threshold must be a quantile in [0, 1], got ${r.threshold}`);
  if (!(r.hypercoreLambda >= 0 && Number.isFinite(r.hypercoreLambda))) fail("BAD_ARGUMENT", `hypercoreLambda must be a finite number ≥ 0, got ${r.hypercoreLambda}`);
  if (!CENTRALITY_METHODS.includes(r.centrality)) fail("BAD_ARGUMENT", `centrality must be one of ${CENTRALITY_METHODS.join(", ")}, got '${String(r.centrality)}'`);
  if (!(r.tol > 0 && r.tol < 1)) fail("BAD_ARGUMENT", `tol must be in (0, 1), got ${r.tol}`);
  if (!["strength", "centrality"].includes(r.sizeBy)) fail("BAD_ARGUMENT", `sizeBy must be strength or centrality, got '${String(r.sizeBy)}'`);
  for (const k of ["maxMatvecs", "top", "bins", "drawNodes", "drawEdges", "maxEdges"] as const) {
    if (!(Number.isInteger(r[k]) && r[k] >= (k === "bins" || k === "maxMatvecs" ? 1 : 0))) fail("BAD_ARGUMENT", `${k} must be a non-negative integer, got ${String(r[k])}`);
  }
  return r;
}

/** One node layer's measures. */
export interface LayerMeasures {
  name: string;
  kind: "input" | "hidden" | "output";
  op: string;
  size: number;
  channels: boolean;
  /** s(v) = Σ|w| over all incident edges. */
  strength: Stats;
  /** Mean strength from the previous layers (in) and towards the next (out). */
  inStrengthMean: number;
  outStrengthMean: number;
  /** La Malfa et al.'s layer fluctuation: the standard deviation of the layer's strengths (= strength.std). */
  fluctuation: number;
  /** Number of edges per node (non-zero weights). */
  degree: Stats;
  /** Eigenvector centrality: mean, max, and the layer's share Σx_i² of the unit vector. */
  centrality: { mean: number; max: number; share: number };
  /** Core number of the thresholded graph: the layer's largest and how many nodes reach it. */
  core: { max: number; count: number };
  /** k-hypercore numbers of the layer as the input side of the next weight matrix; absent for layers no weight matrix reads. */
  hypercore?: { matrix: string; max: number; count: number; mean: number } | { matrix: string; skipped: string };
  histograms: { strength: Histogram; degree: Histogram };
}

/** The graph lens's result (schema "netsize.graph/1"). */
export interface GraphResult extends LensResultBase {
  schema: "netsize.graph/1";
  graph: {
    view: ConvView; nodes: number; edges: number; graphology: boolean;
    layers: { name: string; kind: string; op: string; size: number; channels: boolean }[];
    blocks: { name: string; kind: string; from: string[]; to: string; edges: number; cut: number; kept: number }[];
    notes: string[];
  };
  definitions: Record<string, string>;
  layers: LayerMeasures[];
  matrices: SignedStrengths[];
  centrality: {
    method: CentralityMethod; lambdaMax: number; residual: number; relativeResidual: number; iterations: number; matvecs: number;
    converged: boolean; minEntry: number; shift?: number;
    top: { node: number; label: string; layer: string; value: number }[];
  };
  cores: { threshold: number; keptEdges: number; degeneracy: number };
  drawing: Drawing;
  perNode?: { strength: number[]; centrality: number[]; core: number[] };
  /** Per-node vectors (non-enumerable, not serialised): strength, centrality, core numbers; and the graphology graph when built. */
  vectors?: { strength: Float64Array; centrality: Float64Array; core: Int32Array };
  graphologyGraph?: ReturnType<typeof toGraphology>;
}

/** The definitions every result carries. */
export const GRAPH_DEFINITIONS: Record<string, string> = {
  graph: "undirected; one node per input, hidden and output unit (conv: per channel when rolled); one edge per non-zero weight carrying |w| and the signed w; biases ignored",
  strength: "s(v) = Σ|w| over the edges incident to v (in: from earlier layers, out: to later layers); per layer mean, population variance, max",
  signedStrength: "Scabini et al.: for each weight matrix W (rows = outputs; conv reshaped to out × in·kh·kw) the column sums Σ_i W_ij (in-strength of input j) and row sums Σ_j W_ij (out-strength of output i), and their population variances",
  centrality: "eigenvector centrality: the Perron eigenvector x of the |w| adjacency A (x ≥ 0, ‖x‖₂ = 1, Ax = λ_max x), with residual ‖Ax − λx‖₂",
  core: "core number of v in the thresholded graph (each weight matrix keeps the edges with |w| at or above its threshold-quantile; identity and pooling edges kept): the largest k such that v is in a subgraph where every node has ≥ k neighbours",
  hypercore: "k-hypercore number (the training lab's reconstruction of Limnios et al.): the weight matrix as a hypergraph over its inputs (each output a hyperedge), weighted (k, l)-core peeling with l = hypercoreLambda × the mean hyperedge degree",
  fluctuation: "La Malfa et al.'s layer fluctuation: the standard deviation of the layer's node strengths",
  degree: "the number of edges incident to v; the histograms count degrees in the thresholded graph",
};

/** Build the graph and take every measure. */
export function measureGraph(net: Network, s: GraphSettings, ctx: LensContext = {}): GraphResult {
  const t0 = performance.now();
  const g = buildGraph(net, { view: s.view, maxEdges: s.maxEdges });
  const tBuild = since(t0);
  checkAborted(ctx);
  let tGraphology = 0, graphologyGraph: ReturnType<typeof toGraphology> | undefined;
  let a;
  if (s.graphology) {
    const t = performance.now();
    graphologyGraph = toGraphology(g);
    const e = edgesOfGraphology(graphologyGraph);
    a = csrOf(e.n, e.src, e.dst, e.abs);
    tGraphology = since(t);
  } else {
    a = csrOf(g.nodes, g.src, g.dst, g.abs);
  }
  checkAborted(ctx);
  ctx.onProgress?.({ done: 1, total: 4, stage: "strengths" });
  let t = performance.now();
  const st = nodeStrengths(g);
  const matrices = signedStrengthsOfNetwork(net);
  const tStrength = since(t);
  ctx.onProgress?.({ done: 2, total: 4, stage: "centrality" });
  t = performance.now();
  const c = eigenvectorCentrality(a, { method: s.centrality, tol: s.tol, maxMatvecs: s.maxMatvecs });
  const tCentrality = since(t);
  checkAborted(ctx);
  ctx.onProgress?.({ done: 3, total: 4, stage: "cores" });
  t = performance.now();
  const cores = thresholdedCores(g, s.threshold);
  const tCores = since(t);
  t = performance.now();
  const hyper = blockHypercores(g, s.hypercoreLambda);
  const tHyper = since(t);
  const layers = g.layers.map((L, li): LayerMeasures => {
    const lo = L.offset, hi = L.offset + L.size;
    let cmax = 0, cnt = 0, share = 0;
    for (let i = lo; i < hi; i++) { if (cores.core[i]! > cmax) { cmax = cores.core[i]!; cnt = 0; } if (cores.core[i] === cmax) cnt++; share += c.vector[i]! ** 2; }
    const strength = statsOf(st.strength, lo, hi), cs = statsOf(c.vector, lo, hi);
    const m: LayerMeasures = {
      name: L.name, kind: L.kind, op: L.op, size: L.size, channels: L.channels,
      strength, inStrengthMean: statsOf(st.inStrength, lo, hi).mean, outStrengthMean: statsOf(st.outStrength, lo, hi).mean,
      fluctuation: strength.std, degree: statsOf(st.degree, lo, hi),
      centrality: { mean: cs.mean, max: cs.max, share },
      core: { max: cmax, count: cnt },
      histograms: { strength: histogramOf(st.strength, lo, hi, s.bins), degree: histogramOf(cores.degree, lo, hi, s.bins, true) },
    };
    const h = hyper.find((x) => x.layer === li);
    if (h) {
      const matrix = g.blocks[h.block]!.name;
      if (h.numbers) {
        const hs = statsOf(h.numbers);
        let count = 0;
        for (const v of h.numbers) if (v === hs.max) count++;
        m.hypercore = { matrix, max: hs.max, count, mean: hs.mean };
      } else m.hypercore = { matrix, skipped: h.skipped! };
    }
    return m;
  });
  const order = Array.from({ length: g.nodes }, (_, i) => i).sort((x, y) => c.vector[y]! - c.vector[x]! || x - y).slice(0, s.top);
  let degeneracy = 0;
  for (const k of cores.core) degeneracy = Math.max(degeneracy, k);
  const result: GraphResult = {
    schema: "netsize.graph/1",
    options: { ...s },
    tolerance: { centralityTol: s.tol },
    timings: { build: tBuild, graphology: tGraphology, strengths: tStrength, centrality: tCentrality, cores: tCores, hypercores: tHyper, total: 0 },
    graph: {
      view: g.view, nodes: g.nodes, edges: g.src.length, graphology: s.graphology,
      layers: g.layers.map((L) => ({ name: L.name, kind: L.kind, op: L.op, size: L.size, channels: L.channels })),
      blocks: g.blocks.map((b, i) => ({ name: b.name, kind: b.kind, from: b.from.map((f) => g.layers[f]!.name), to: g.layers[b.to]!.name, edges: b.end - b.start, cut: cores.cuts[i]!, kept: cores.kept[i]! })),
      notes: g.notes,
    },
    definitions: GRAPH_DEFINITIONS,
    layers, matrices,
    centrality: {
      method: c.method, lambdaMax: c.lambdaMax, residual: c.residual, relativeResidual: c.relativeResidual, iterations: c.iterations, matvecs: c.matvecs,
      converged: c.converged, minEntry: c.minEntry, ...(c.shift !== undefined ? { shift: c.shift } : {}),
      top: order.map((id) => ({ node: id, label: nodeLabel(g, id), layer: g.layers[layerOfNode(g, id)]!.name, value: c.vector[id]! })),
    },
    cores: { threshold: s.threshold, keptEdges: cores.kept.reduce((x, y) => x + y, 0), degeneracy },
    drawing: selectDrawing(g, st.strength, c.vector, s.sizeBy, s.drawNodes, s.drawEdges),
  };
  if (s.perNode) result.perNode = { strength: Array.from(st.strength), centrality: Array.from(c.vector), core: Array.from(cores.core) };
  Object.defineProperty(result, "vectors", { value: { strength: st.strength, centrality: c.vector, core: cores.core }, enumerable: false, writable: true, configurable: true });
  if (graphologyGraph) Object.defineProperty(result, "graphologyGraph", { value: graphologyGraph, enumerable: false, writable: true, configurable: true });
  result.timings.total = since(t0);
  return result;
}

/** The graph lens's measures of one network. */
export async function graphMeasures(net: Network, _input: unknown, opts: GraphOptions = {}, ctx: LensContext = {}): Promise<GraphResult> {
  return measureGraph(net, resolveGraphSettings(opts), ctx);
}

/** The graph of a network without measures (for callers that want the structure). */
export function graphOf(net: Network, opts: { view?: ConvView; maxEdges?: number } = {}): NetGraph {
  return buildGraph(net, opts);
}
