// The graph as a graphology UndirectedGraph (the interchange form: layouts, exports and graphology's
// own algorithms work on it) and as a symmetric CSR matrix of |w| (the fast form the measures use).
import { UndirectedGraph } from "graphology";
import { fail } from "../../core/errors.js";
import { nodeLabel, NetGraph } from "./build.js";

/** Node attributes in the graphology graph. */
export interface GraphNodeAttributes { layer: number; index: number; label: string }
/** Edge attributes in the graphology graph: |w|, the signed w and the block (weight matrix) index. */
export interface GraphEdgeAttributes { weight: number; signed: number; block: number }

/** A symmetric sparse matrix in CSR form (both directions of every edge stored). */
export interface Csr {
  n: number;
  ptr: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

/** The graph as a graphology UndirectedGraph: node keys are the node ids ("0", "1", …), edge attributes weight = |w|, signed = w. */
export function toGraphology(g: NetGraph): UndirectedGraph<GraphNodeAttributes, GraphEdgeAttributes> {
  const graph = new UndirectedGraph<GraphNodeAttributes, GraphEdgeAttributes>();
  g.layers.forEach((L, li) => {
    for (let i = 0; i < L.size; i++) graph.addNode(String(L.offset + i), { layer: li, index: i, label: nodeLabel(g, L.offset + i) });
  });
  for (let e = 0; e < g.src.length; e++) {
    graph.addEdge(String(g.src[e]), String(g.dst[e]), { weight: g.abs[e]!, signed: g.signed[e]!, block: g.block[e]! });
  }
  return graph;
}

/** Edge lists (src, dst, |w|) of a graphology graph whose node keys are "0" … "n−1", as toGraphology writes them. */
export function edgesOfGraphology(graph: UndirectedGraph<GraphNodeAttributes, GraphEdgeAttributes>): { n: number; src: Int32Array; dst: Int32Array; abs: Float64Array } {
  const m = graph.size, n = graph.order;
  const src = new Int32Array(m), dst = new Int32Array(m), abs = new Float64Array(m);
  let e = 0;
  graph.forEachEdge((_k, a, s, t) => {
    const i = Number(s), j = Number(t);
    if (!(Number.isInteger(i) && Number.isInteger(j) && i >= 0 && j >= 0 && i < n && j < n)) fail("BAD_ARGUMENT", `graphology node keys must be 0 … ${n - 1}, got '${s}', '${t}'`);
    src[e] = i; dst[e] = j; abs[e] = a.weight; e++;
  });
  return { n, src, dst, abs };
}

/** The symmetric CSR matrix of edge weights `val` (both (i, j) and (j, i)); edges with keep[e] = 0 are left out. */
export function csrOf(n: number, src: Int32Array, dst: Int32Array, val: Float64Array, keep?: Uint8Array): Csr {
  const deg = new Int32Array(n + 1);
  for (let e = 0; e < src.length; e++) {
    if (keep && !keep[e]) continue;
    deg[src[e]! + 1]++; deg[dst[e]! + 1]++;
  }
  for (let i = 0; i < n; i++) deg[i + 1] += deg[i]!;
  const ptr = deg.slice(), fill = deg.slice(0, n);
  const col = new Int32Array(ptr[n]!), v = new Float64Array(ptr[n]!);
  for (let e = 0; e < src.length; e++) {
    if (keep && !keep[e]) continue;
    const a = src[e]!, b = dst[e]!, w = val[e]!;
    col[fill[a]!] = b; v[fill[a]!++] = w;
    col[fill[b]!] = a; v[fill[b]!++] = w;
  }
  return { n, ptr, col, val: v };
}

/** y = A x for a CSR matrix. */
export function csrMultiply(a: Csr, x: Float64Array, y: Float64Array): Float64Array {
  const { ptr, col, val } = a;
  for (let i = 0; i < a.n; i++) {
    let s = 0;
    for (let k = ptr[i]!; k < ptr[i + 1]!; k++) s += val[k]! * x[col[k]!]!;
    y[i] = s;
  }
  return y;
}
