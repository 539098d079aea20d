// What the layered drawing shows: per layer the strongest nodes (by strength or centrality), and the
// heaviest edges among them — a small, bounded picture of a graph with up to millions of edges.
import { NetGraph } from "./build.js";

/** One drawn node. */
export interface DrawnNode { layer: number; index: number; strength: number; centrality: number }
/** One drawn edge (between drawn nodes, by layer and index). */
export interface DrawnEdge { from: [number, number]; to: [number, number]; weight: number; signed: number }

/** The layered drawing's content. */
export interface Drawing {
  sizeBy: "strength" | "centrality";
  layers: { name: string; size: number; shown: number }[];
  nodes: DrawnNode[];
  edges: DrawnEdge[];
  /** Edges among the drawn nodes (of which the heaviest `edges.length` are drawn). */
  candidateEdges: number;
}

/** Choose the nodes and edges of the drawing: the top `perLayer` nodes of each layer by `sizeBy`, and the `maxEdges` heaviest edges among them. */
export function selectDrawing(g: NetGraph, strength: Float64Array, centrality: Float64Array, sizeBy: "strength" | "centrality", perLayer: number, maxEdges: number): Drawing {
  const by = sizeBy === "centrality" ? centrality : strength;
  const shown = new Int32Array(g.nodes).fill(-1);
  const nodes: DrawnNode[] = [];
  const layers = g.layers.map((L, li) => {
    const ids = Array.from({ length: L.size }, (_, i) => L.offset + i);
    const pick = L.size <= perLayer ? ids : ids.sort((a, b) => by[b]! - by[a]! || a - b).slice(0, perLayer).sort((a, b) => a - b);
    for (const id of pick) { shown[id] = nodes.length; nodes.push({ layer: li, index: id - L.offset, strength: strength[id]!, centrality: centrality[id]! }); }
    return { name: L.name, size: L.size, shown: pick.length };
  });
  const cand: number[] = [];
  for (let e = 0; e < g.src.length; e++) if (shown[g.src[e]!]! >= 0 && shown[g.dst[e]!]! >= 0) cand.push(e);
  cand.sort((a, b) => g.abs[b]! - g.abs[a]! || a - b);
  const edges = cand.slice(0, maxEdges).map((e) => {
    const s = nodes[shown[g.src[e]!]!]!, d = nodes[shown[g.dst[e]!]!]!;
    return { from: [s.layer, s.index] as [number, number], to: [d.layer, d.index] as [number, number], weight: g.abs[e]!, signed: g.signed[e]! };
  });
  return { sizeBy, layers, nodes, edges, candidateEdges: cand.length };
}
