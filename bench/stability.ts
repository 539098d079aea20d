// Benchmark: exact stability of the authors' L1-trained, compressed CIFAR nets and of mnist_200-200_l1-0
// on [0,1]^n — netsize's staged pipeline (IBP, sampling + local witness search, CROWN, LP, MILP on what
// is left) against the straightforward method in the same run: a sampling pre-pass, then one HiGHS MILP
// per remaining unit, solved to optimality with big-M from interval bounds. Native HiGHS is not
// installable here, so the baseline runs on the same wasm HiGHS, timed on a subset of the remaining
// units and extrapolated; the authors' reported figures (Gurobi) are printed beside it.
//
//   npx tsx bench/stability.ts [--rounds 3] [--baseline-units 4] [--baseline-limit 120] [--only cifar10]
//
// Figures are medians over the rounds; each round runs the whole pipeline from scratch.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { uniformBox, Box } from "../src/core/domain.js";
import { loadNetwork } from "../src/node/files.js";
import { loadLpSolver } from "../src/core/lp/highs.js";
import { inputSize, Network } from "../src/core/network.js";
import { toChain } from "../src/lenses/stability/chain.js";
import { ibp } from "../src/lenses/stability/ibp.js";
import { buildPrefixModel, unitObjective } from "../src/lenses/stability/relax-model.js";
import { StabilityResult } from "../src/lenses/stability/report.js";
import { chainStates, markChain, samplePoints } from "../src/lenses/stability/sampling.js";
import { stability } from "../src/lenses/stability/stability.js";
import { initialStates, provenUnstable } from "../src/lenses/stability/state.js";
import { median } from "./peer.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name: string, d: string): string => { const i = args.indexOf(name); return i >= 0 ? args[i + 1]! : d; };
const ROUNDS = Number(opt("--rounds", "3")), SUBSET = Number(opt("--baseline-units", "4")), LIMIT = Number(opt("--baseline-limit", "120"));
const ONLY = opt("--only", "");

const NETS: { key: string; rel: string; paper?: string; paperSeconds?: number }[] = [
  { key: "cifar10", rel: "exactcompression/cifar10_400-400_l1-1.75e-4_after-compression.onnx", paper: "ISA on the uncompressed 400-400 net, Gurobi: 113.6–118.6 s", paperSeconds: 116 },
  { key: "cifar100", rel: "exactcompression/cifar100_400-400_l1-7.5e-5_after-compression.onnx" },
  { key: "mnist200", rel: "exactcompression/mnist_200-200_l1-0.onnx", paper: "ISA, Gurobi: 18.4 s", paperSeconds: 18.4 },
];

/** The straightforward method: uniform sampling, then one MILP per unit never seen in both states (to optimality, IBP big-M, nothing fixed). */
async function baseline(net: Network, box: Box): Promise<{ samplingMs: number; remaining: number; timed: number; perUnitMs: number; hitLimit: number }> {
  const t0 = performance.now();
  const chain = toChain(net);
  const states = initialStates(net, ibp(net, box));
  // Forget IBP's verdicts: the straightforward method proves everything by MILP.
  for (const s of states) { s.piece.fill(-1); s.by.fill(0); }
  const cs = chainStates(chain, states);
  const pts = samplePoints(box, { count: 2000, seed: 0 });
  for (let s = 0; s < pts.n; s += 256) markChain(chain, cs, pts.X.subarray(s * box.lower.length, Math.min(pts.n, s + 256) * box.lower.length), Math.min(256, pts.n - s));
  const samplingMs = performance.now() - t0;
  const remaining: [number, number][] = [];
  chain.layers.forEach((l, k) => { const s = cs[k]; if (s) for (let i = 0; i < s.n; i++) if (!provenUnstable(s, i)) remaining.push([k, i]); });
  // Time an evenly spread subset, deepest units included (they carry the binaries).
  const deep = remaining.filter(([k]) => k > 0);
  const pick = (deep.length >= SUBSET ? deep : remaining).filter((_, j, a) => j % Math.max(1, Math.floor(a.length / SUBSET)) === 0).slice(0, SUBSET);
  const solver = await loadLpSolver();
  let ms = 0, hitLimit = 0;
  for (const [k, i] of pick) {
    const pm = buildPrefixModel(chain, k, cs, box, true);
    const model = solver.model(pm.problem);
    try {
      model.setHighsOptions({ time_limit: LIMIT });
      const s = cs[k]!;
      // A unit never seen active needs max z, one never seen inactive needs min z.
      const { c } = unitObjective(chain, k, i, pm, s.seen[i] === 2 ? 1 : -1);
      model.setObjective(c, "min");
      const t = performance.now();
      const sol = model.solve();
      ms += performance.now() - t;
      if (sol.status === "time_limit") hitLimit++;
    } finally {
      model.dispose();
    }
  }
  return { samplingMs, remaining: remaining.length, timed: pick.length, perUnitMs: ms / Math.max(1, pick.length), hitLimit };
}

for (const spec of NETS) {
  if (ONLY && spec.key !== ONLY) continue;
  const net = await loadNetwork(path.resolve(ROOT, "../shared/models", spec.rel));
  const box = uniformBox(inputSize(net), 0, 1, "[0,1]^n");
  const runs: StabilityResult[] = [];
  for (let r = 0; r < ROUNDS; r++) runs.push(await stability(net, box, { method: "auto", seed: r }));
  const last = runs[runs.length - 1]!;
  console.log(`\n== ${path.basename(spec.rel)} (${last.layers.map((l) => l.units).join("-")} units) on [0,1]^${inputSize(net)}, ${ROUNDS} rounds`);
  console.log("stage       median ms  proved stable  proved unstable  undecided after");
  last.stages.forEach((s, j) => {
    const ms = median(runs.map((r) => r.stages[j]!.ms));
    console.log(`${s.stage.padEnd(10)} ${ms.toFixed(0).padStart(10)} ${String(s.stable).padStart(14)} ${String(s.unstable).padStart(16)} ${String(s.undecidedAfter).padStart(16)}`);
  });
  const total = median(runs.map((r) => r.timings.total!));
  const t = last.totals;
  console.log(`total ${(total / 1000).toFixed(2)} s: ${t.stablyActive} stably active, ${t.stablyInactive} stably inactive, ${t.provenUnstable} proven unstable, ${t.unknown} unknown; complete: ${last.complete}`);
  console.log("per layer: " + last.layers.map((l) => `${l.name} ${l.stablyActive}A/${l.stablyInactive}I/${l.unstable}U (${Object.entries(l.certifiedBy).map(([k, v]) => `${k} ${v}`).join(", ") || "-"})`).join("; "));
  if (spec.key !== "mnist200") {
    const b = await baseline(net, box);
    const est = b.samplingMs + b.perUnitMs * b.remaining;
    console.log(`baseline (sampling + one MILP per remaining unit, same wasm HiGHS): ${b.remaining} units left after sampling; ${b.timed} timed at ${(b.perUnitMs / 1000).toFixed(2)} s each${b.hitLimit ? ` (${b.hitLimit} hit the ${LIMIT} s limit: a lower bound)` : ""} → ~${(est / 1000).toFixed(0)} s`);
    console.log(`ratio baseline / netsize: ${(est / total).toFixed(0)}×`);
  }
  if (spec.paperSeconds) console.log(`paper: ${spec.paper}; ratio paper / netsize: ${(spec.paperSeconds * 1000 / total).toFixed(1)}× (different machine and solver)`);
}
