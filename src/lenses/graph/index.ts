// The graph lens's public face: one network as a weighted multipartite graph, and a run's snapshots (the time-evolving graph).
import { Lens } from "../../core/lens.js";
import { GRAPH_OPTIONS, graphMeasures, GraphOptions, GraphResult } from "./graph.js";
import { GRAPH_RUN_OPTIONS, graphOverRun, GraphRunInput, GraphRunOptions, GraphRunResult } from "./series.js";

export { GRAPH_OPTIONS, GRAPH_DEFINITIONS, graphMeasures, measureGraph, resolveGraphSettings, graphOf } from "./graph.js";
export type { GraphOptions, GraphResult, GraphSettings, LayerMeasures } from "./graph.js";
export { GRAPH_RUN_OPTIONS, graphOverRun, frameOf, changeBetween } from "./series.js";
export type { GraphRunInput, GraphRunSnapshot, GraphRunResult, GraphRunOptions, GraphFrame, FrameLayer, FrameChange } from "./series.js";
export { buildGraph, nodeLabel, layerOfNode } from "./build.js";
export type { NetGraph, NodeLayer, EdgeBlock, ConvView, BuildOptions } from "./build.js";
export { toGraphology, edgesOfGraphology, csrOf, csrMultiply } from "./adjacency.js";
export type { Csr, GraphNodeAttributes, GraphEdgeAttributes } from "./adjacency.js";
export { eigenvectorCentrality, residualOf, CENTRALITY_METHODS } from "./centrality.js";
export type { Centrality, CentralityMethod, CentralityOptions } from "./centrality.js";
export { coreNumbers, thresholdEdges, thresholdedCores, blockHypercores } from "./cores.js";
export type { BlockHypercore } from "./cores.js";
export { nodeStrengths, statsOf, histogramOf, signedStrengthsOf, signedStrengthsOfNetwork } from "./measures.js";
export type { NodeStrengths, Stats, Histogram, SignedStrengths } from "./measures.js";
export { selectDrawing } from "./drawing.js";
export type { Drawing, DrawnNode, DrawnEdge } from "./drawing.js";
export { fitRidge, fitLogistic, kFolds, crossValidate, spearman, solveSpd } from "./predict.js";
export type { CvScores, Predictor } from "./predict.js";

/** graph: the network as a weighted multipartite graph — strengths, signed strengths, eigenvector centrality, k-cores and k-hypercores per layer. */
export const graphLens: Lens<undefined, GraphOptions, GraphResult> = {
  name: "graph",
  schema: "netsize.graph/1",
  description: "the network as a weighted multipartite graph: node strengths, Scabini's signed strengths, eigenvector centrality, k-core and k-hypercore numbers per layer",
  options: GRAPH_OPTIONS,
  run: (net, input, options, ctx) => graphMeasures(net, input, options, ctx),
};

/** graph.run: the per-layer graph summaries of every snapshot of a training run and their change between snapshots (the network argument is unused). */
export const graphRunLens: Lens<GraphRunInput, GraphRunOptions, GraphRunResult> = {
  name: "graph.run",
  schema: "netsize.graph.run/1",
  description: "the time-evolving graph of a training run: per-layer strengths, centrality and cores of every snapshot and their change between snapshots",
  options: GRAPH_RUN_OPTIONS,
  run: (_net, input, options, ctx) => graphOverRun(input, options, ctx),
};
