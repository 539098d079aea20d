// Benchmark: exact stability at depth (issue 17, item 7) — netsize's whole pipeline on [0,1]^784 for deep
// MNIST nets under one time limit, against a peer that solves the same MILPs in native HiGHS
// (scipy.optimize.milp, Debian python3-scipy). netsize exports every layer model its MILP stage builds with
// every open question on it (one side of one unit: is min ±z ≥ margin?); the peer solves each question to
// optimality (scipy's milp has no cutoff or target) under the same total time limit, from the same models
// and big-M values, so the pre-MILP stages are free for it.
//
//   npx tsx bench/stability-deep.ts [--time-limit 60] [--only mnist_relu_9_200] [--export DIR]
//
// One run per model (the machine is shared): the figures are single runs, printed with the load average.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { uniformBox } from "../src/core/domain.js";
import type { LpProblem } from "../src/core/lp/highs.js";
import { inputSize } from "../src/core/network.js";
import { loadNetwork } from "../src/node/files.js";
import type { MilpQuestion, MilpSolveRecord, MilpTrace } from "../src/lenses/stability/milp.js";
import { stability } from "../src/lenses/stability/stability.js";
import { loadLine, median } from "./peer.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MODELS = path.resolve(ROOT, "../shared/models/vnncomp2021");
const args = process.argv.slice(2);
const opt = (name: string, d: string): string => { const i = args.indexOf(name); return i >= 0 ? args[i + 1]! : d; };
const LIMIT = Number(opt("--time-limit", "60"));
const ONLY = opt("--only", "");
const EXPORT = opt("--export", path.join(tmpdir(), "netsize-milp-export"));
const NETS = ["mnist_relu_9_200", "mnist-net_256x4", "mnist-net_256x6"];

interface ExportLayer { k: number; name: string; numVars: number; lower: number[]; upper: number[]; integers: number[]; starts: number[]; indices: number[]; values: number[]; rowLower: (number | null)[]; rowUpper: (number | null)[]; questions: MilpQuestion[] }

/** The model in CSR form with ±∞ sides as null (JSON has no infinity). */
function exportLayer(k: number, name: string, p: LpProblem, questions: MilpQuestion[]): ExportLayer {
  const starts = [0], indices: number[] = [], values: number[] = [], rowLower: (number | null)[] = [], rowUpper: (number | null)[] = [];
  for (const r of p.rows) {
    for (let t = 0; t < r.indices.length; t++) { indices.push(r.indices[t]!); values.push(r.values[t]!); }
    starts.push(indices.length);
    rowLower.push(r.lower === undefined || !Number.isFinite(r.lower) ? null : r.lower);
    rowUpper.push(r.upper === undefined || !Number.isFinite(r.upper) ? null : r.upper);
  }
  return { k, name, numVars: p.numVars, lower: Array.from(p.lower!), upper: Array.from(p.upper!), integers: Array.from(p.integers ?? []), starts, indices, values, rowLower, rowUpper, questions };
}

mkdirSync(EXPORT, { recursive: true });
console.log(`exact stability on [0,1]^784, time limit ${LIMIT} s each; peer: scipy.optimize.milp (native HiGHS) on the MILPs netsize built`);
const rows: string[] = [];
for (const name of NETS) {
  if (ONLY && name !== ONLY) continue;
  const net = await loadNetwork(path.join(MODELS, `${name}.onnx`));
  const box = uniformBox(inputSize(net), 0, 1, "[0,1]^784");
  const layers: ExportLayer[] = [];
  const solves: MilpSolveRecord[] = [];
  const trace: MilpTrace = { layer: (k, n, p, q) => { layers.push(exportLayer(k, n, p, q)); }, solve: (r) => { solves.push(r); } };
  const r = await stability(net, box, { method: "auto", timeLimit: LIMIT, milpTrace: trace });
  const file = path.join(EXPORT, `${name}.json`);
  writeFileSync(file, JSON.stringify({ model: name, layers }));
  const byStatus: Record<string, number> = {};
  for (const s of solves) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
  const secs = solves.map((s) => s.seconds);
  console.log(`\n== ${name}: ${r.totals.units} units`);
  console.log("stage       ms  stable  unstable  undecided after  work");
  for (const s of r.stages) console.log(`${s.stage.padEnd(9)} ${s.ms.toFixed(0).padStart(6)} ${String(s.stable).padStart(7)} ${String(s.unstable).padStart(9)} ${String(s.undecidedAfter).padStart(16)} ${String(s.work ?? "").padStart(5)}`);
  const questions = layers.reduce((a, l) => a + l.questions.length, 0);
  console.log(`netsize: ${r.totals.unknown} unknown in ${(r.timings.total / 1000).toFixed(1)} s; MILP layers built ${layers.length}, questions ${questions}, solves ${solves.length} ${JSON.stringify(byStatus)}, per solve median ${secs.length ? median(secs).toFixed(2) : "-"} s, max ${secs.length ? Math.max(...secs).toFixed(2) : "-"} s`);
  const peer = spawnSync("/usr/bin/python3", [path.join(ROOT, "bench/peers/milp_scipy.py"), file, "--time-limit", String(LIMIT)], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (peer.status !== 0) { console.log(`peer failed: ${peer.stderr.slice(-2000)}`); continue; }
  const o = JSON.parse(peer.stdout.trim().split("\n").pop()!) as { questions: number; solved: number; proven: number; witnessed: number; undecided: number; unitsOpen: number; unitsStable: number; unitsUnknown: number; seconds: number; perSolveMedian: number; statuses: Record<string, number> };
  console.log(`peer:    ${o.unitsUnknown} of ${o.unitsOpen} open units unknown (${o.unitsStable} proven stable) in ${o.seconds.toFixed(1)} s; questions ${o.questions}: ${o.proven} proven, ${o.witnessed} witnessed, ${o.undecided} undecided; per solve median ${o.perSolveMedian.toFixed(2)} s ${JSON.stringify(o.statuses)}`);
  rows.push(`${name.padEnd(18)} ${String(r.totals.unknown).padStart(8)} ${(r.timings.total / 1000).toFixed(1).padStart(7)} ${String(o.unitsOpen).padStart(9)} ${String(o.unitsUnknown).padStart(9)} ${o.seconds.toFixed(1).padStart(7)}`);
}
console.log(`\nmodel              unknown  time s  peer open  peer unk  peer s\n${rows.join("\n")}\n${loadLine()}`);
