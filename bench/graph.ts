// Figures and times of the graph lens on the shared MNIST models: per-layer strength mean/variance,
// λ_max, the top-5 central nodes, core and hypercore numbers, and the median time of the whole lens
// (with the graphology graph, and straight from the edge arrays), the goal being ≤ 1 s for
// mnist-net_256x2 including centrality to ≤ 1e-9·λ_max; then PA rewiring's variance ratios on a
// He-initialised 256×512 layer. Prints figures; asserts nothing. No peer: Debian's torch has no
// graph measures, and scipy is not among the peers.
//
//   npx tsx bench/graph.ts [--model vnncomp2021/mnist-net_256x2.onnx] [--rounds 5]
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createNetwork } from "../src/core/network.js";
import { createRng } from "../src/core/random.js";
import { graphMeasures, GraphResult } from "../src/lenses/graph/index.js";
import { loadNetwork } from "../src/node/files.js";
import { paRewire } from "../src/train/rewire.js";
import { median } from "./peer.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name: string, d: string): string => { const i = args.indexOf(name); return i >= 0 ? args[i + 1]! : d; };
const MODELS = args.includes("--model") ? [opt("--model", "")] : ["exactcompression/mnist_100-100_l1-0.onnx", "vnncomp2021/mnist-net_256x2.onnx"];
const ROUNDS = Number(opt("--rounds", "5"));
const g = (x: number): string => x.toPrecision(5);

for (const rel of MODELS) {
  const net = await loadNetwork(path.resolve(ROOT, "../shared/models", rel));
  const times: Record<string, number[]> = { graphology: [], arrays: [], centrality: [], build: [], graphologyBuild: [] };
  let r: GraphResult | undefined;
  for (let k = 0; k < ROUNDS; k++) {
    const a = await graphMeasures(net, undefined, {});
    const b = await graphMeasures(net, undefined, { graphology: false });
    times.graphology!.push(a.timings.total); times.arrays!.push(b.timings.total); times.centrality!.push(b.timings.centrality!);
    times.build!.push(b.timings.build!); times.graphologyBuild!.push(a.timings.graphology!);
    r = a;
  }
  const c = r!.centrality;
  console.log(`\n${rel}: ${r!.graph.nodes.toLocaleString("en-US")} nodes, ${r!.graph.edges.toLocaleString("en-US")} edges`);
  console.log(`  median of ${ROUNDS}: whole lens ${median(times.graphology!).toFixed(0)} ms with graphology (graphology graph ${median(times.graphologyBuild!).toFixed(0)} ms), ${median(times.arrays!).toFixed(0)} ms from the edge arrays (build ${median(times.build!).toFixed(0)} ms, centrality ${median(times.centrality!).toFixed(0)} ms)`);
  console.log(`  λ_max ${c.lambdaMax.toPrecision(10)}, residual ${c.residual.toExponential(2)} = ${c.relativeResidual.toExponential(2)}·λ_max, ${c.method}: ${c.iterations} cycle(s), ${c.matvecs} products`);
  console.log(`  top-5 central: ${c.top.map((t) => `${t.label} ${t.value.toFixed(4)}`).join(", ")}`);
  console.log("  layer       nodes  strength mean  variance   max     core max (count)  hypercore max (count)");
  for (const l of r!.layers) {
    const h = l.hypercore && "max" in l.hypercore ? `${g(l.hypercore.max)} (${l.hypercore.count})` : "—";
    console.log(`  ${l.name.padEnd(10)} ${String(l.size).padStart(6)}  ${g(l.strength.mean).padStart(13)}  ${g(l.strength.variance).padStart(9)}  ${g(l.strength.max).padStart(7)}  ${`${l.core.max} (${l.core.count})`.padStart(16)}  ${h.padStart(21)}`);
  }
  console.log(`  degeneracy of the thresholded graph (top 10 % of |w| per matrix, ${r!.cores.keptEdges.toLocaleString("en-US")} edges): ${r!.cores.degeneracy}`);
  for (const m of r!.matrices) console.log(`  ${m.layer}: var(column sums) ${g(m.columnSumVariance)}, var(row sums) ${g(m.rowSumVariance)}`);
}

// PA rewiring on a He-normal 256×512 layer (seed 123 for W, 7 for the rewiring, as the shared notes' numpy reference)
const rows = 256, cols = 512, rng = createRng(123);
const w = Float64Array.from({ length: rows * cols }, () => rng.normal() * Math.sqrt(2 / cols));
const layer = (x: Float64Array) => createNetwork([cols], [{ kind: "dense", inSize: cols, outSize: rows, weight: x, bias: new Float64Array(rows) }]);
const t = performance.now();
const rw = paRewire(w.slice(), rows, cols, createRng(7));
const tRewire = performance.now() - t;
const a = (await graphMeasures(layer(w), undefined, { graphology: false })).matrices[0]!, b = (await graphMeasures(layer(rw), undefined, { graphology: false })).matrices[0]!;
const sw = w.slice().sort(), sr = rw.slice().sort();
const same = sw.every((v, i) => v === sr[i]);
console.log(`\nPA rewiring, He-normal 256×512 (rewiring ${tRewire.toFixed(0)} ms): var(in-strength) ${g(a.columnSumVariance)} → ${g(b.columnSumVariance)} (÷${(a.columnSumVariance / b.columnSumVariance).toFixed(1)}), var(out-strength) ${g(a.rowSumVariance)} → ${g(b.rowSumVariance)} (÷${(a.rowSumVariance / b.rowSumVariance).toFixed(1)}); weight multiset unchanged: ${same}`);
console.log("  (shared notes' numpy reference: 1.086 → 0.0518 and 2.010 → 0.0494; the generators differ, so the draws do)");
