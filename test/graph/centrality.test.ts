// Eigenvector centrality against the dense Jacobi eigensolver, and on bipartite graphs where the
// plain power iteration oscillates (graphology-metrics is not installed here; its default
// iteration is the same plain x ← Ax/‖Ax‖ loop, reproduced below in five lines).
import { describe, expect, it } from "vitest";
import { randomMlp } from "../../src/core/build.js";
import { symmetricEigen } from "../../src/core/eigen.js";
import { buildGraph, Csr, csrMultiply, csrOf, eigenvectorCentrality, graphMeasures, residualOf } from "../../src/lenses/graph/index.js";

function dense(a: Csr): Float64Array {
  const m = new Float64Array(a.n * a.n);
  for (let i = 0; i < a.n; i++) for (let k = a.ptr[i]!; k < a.ptr[i + 1]!; k++) m[i * a.n + a.col[k]!] += a.val[k]!;
  return m;
}

/** The plain power iteration: x ← Ax / ‖Ax‖ from the all-ones vector; returns the last two iterates. */
function naivePower(a: Csr, iters: number): [Float64Array, Float64Array] {
  let x = new Float64Array(a.n).fill(1 / Math.sqrt(a.n)), prev = x;
  for (let t = 0; t < iters; t++) {
    const y = csrMultiply(a, x, new Float64Array(a.n));
    const s = Math.hypot(...y);
    prev = x; x = y.map((v) => v / s);
  }
  return [prev, x];
}

const adjacency = (widths: number[], seed: number): Csr => { const g = buildGraph(randomMlp(widths, { seed })); return csrOf(g.nodes, g.src, g.dst, g.abs); };

describe("eigenvector centrality", () => {
  it.each([[[3, 5, 4, 2], 1], [[4, 4], 2], [[6, 3, 7, 2, 5], 3]] as [number[], number][])("%j: λ_max and the vector match Jacobi to 1e-10 (both methods)", (widths, seed) => {
    const a = adjacency(widths, seed);
    const e = symmetricEigen(dense(a), a.n);
    const ref = e.vectors.subarray(0, a.n);
    for (const method of ["lanczos", "shifted-power"] as const) {
      const c = eigenvectorCentrality(a, { method, tol: 1e-12 });
      expect(c.converged).toBe(true);
      expect(Math.abs(c.lambdaMax - e.values[0]!)).toBeLessThan(1e-10 * e.values[0]!);
      for (let i = 0; i < a.n; i++) expect(Math.abs(c.vector[i]! - ref[i]!), `${method} node ${i}`).toBeLessThan(1e-8);
      expect(Math.min(...c.vector)).toBeGreaterThan(0);
      expect(Math.hypot(...c.vector)).toBeCloseTo(1, 14);
      expect(c.relativeResidual).toBeLessThanOrEqual(1e-12);
    }
    // the spectrum of a layered graph: −λ_max is an eigenvalue when it is bipartite (two layers)
    if (widths.length === 2) expect(e.values[a.n - 1]!).toBeCloseTo(-e.values[0]!, 10);
  });

  it("on a bipartite graph the plain power iteration oscillates; the lens converges to residual ≤ 1e-9·λ_max", async () => {
    const net = randomMlp([12, 9], { seed: 5 });
    const g = buildGraph(net);
    const a = csrOf(g.nodes, g.src, g.dst, g.abs);
    const [x999, x1000] = naivePower(a, 1000);
    const step = Math.hypot(...x1000.map((v, i) => v - x999[i]!));
    expect(step).toBeGreaterThan(0.1); // still jumping between two vectors after 1,000 iterations
    expect(residualOf(a, x1000).residual / residualOf(a, x1000).lambda).toBeGreaterThan(0.1);
    const r = await graphMeasures(net, undefined, {});
    expect(r.centrality.converged).toBe(true);
    expect(r.centrality.relativeResidual).toBeLessThanOrEqual(1e-9);
    const e = symmetricEigen(dense(a), a.n);
    expect(r.centrality.lambdaMax).toBeCloseTo(e.values[0]!, 10);
    expect(r.centrality.top[0]!.value).toBeCloseTo(Math.max(...e.vectors.subarray(0, a.n)), 10);
  });

  it("a graph without edges has λ_max 0 and a zero vector; a star has λ = √leaves", () => {
    expect(eigenvectorCentrality(csrOf(3, new Int32Array(0), new Int32Array(0), new Float64Array(0))).lambdaMax).toBe(0);
    const star = csrOf(5, Int32Array.of(0, 0, 0, 0), Int32Array.of(1, 2, 3, 4), Float64Array.of(1, 1, 1, 1));
    const c = eigenvectorCentrality(star);
    expect(c.lambdaMax).toBeCloseTo(2, 14);
    expect(c.vector[0]).toBeCloseTo(Math.SQRT1_2, 14);
    expect(c.vector[1]).toBeCloseTo(Math.SQRT1_2 / 2, 14);
  });
});
