// Predicting final accuracy from the early graph (Vahedian et al.), as a user replicating the paper:
// train a population of small MNIST MLPs with `netsize train` (width, depth, init, learning rate and
// L1 varied; a snapshot every epoch), summarise the graph of the first k epochs with the graph lens,
// and cross-validate ridge regression (final test accuracy) and logistic regression (above/below the
// median) on those summaries, against baselines that see only the early accuracy or only the
// hyper-parameters. Prints one table.
//
//   npx tsx examples/graph-predict.ts [--out DIR] [--runs 48] [--epochs 5] [--k 2] [--folds 5]
//
// Runs already in DIR (with result.json) are reused, so an interrupted population resumes.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRng, crossValidate, graphOverRun, GraphRunSnapshot, GraphRunResult } from "../src/index.js";
import { loadNetwork } from "../src/node/files.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name: string, d: string): string => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1]! : d; };
const OUT = path.resolve(arg("out", "/tmp/netsize-graph-predict"));
const RUNS = Number(arg("runs", "48")), EPOCHS = Number(arg("epochs", "5")), K = Number(arg("k", "2")), FOLDS = Number(arg("folds", "5"));

const WIDTHS = [16, 32, 64, 128], DEPTHS = [1, 2, 3], INITS = ["he-normal", "he-uniform", "glorot-normal", "glorot-uniform"];
const LRS = [3e-4, 1e-3, 3e-3, 1e-2, 3e-2], L1S = [0, 1e-5, 1e-4, 1e-3];
interface Config { width: number; depth: number; init: string; lr: number; l1: number; seed: number }

const rng = createRng(2024);
const pick = <T>(a: T[]): T => a[rng.int(a.length)]!;
const configs: Config[] = Array.from({ length: RUNS }, (_, i) => ({ width: pick(WIDTHS), depth: pick(DEPTHS), init: pick(INITS), lr: pick(LRS), l1: pick(L1S), seed: i }));

const t0 = Date.now();
configs.forEach((c, i) => {
  const dir = path.join(OUT, `run-${String(i).padStart(3, "0")}`);
  if (existsSync(path.join(dir, "result.json"))) return;
  const arch = [784, ...new Array<number>(c.depth).fill(c.width), 10].join("-");
  execFileSync(process.execPath, [path.join(ROOT, "bin/netsize.js"), "train", "--arch", arch, "--data", "mnist", "--init", c.init, "--lr", String(c.lr), "--l1", String(c.l1),
    "--epochs", String(EPOCHS), "--snapshot-every", "1", "--formats", "json", "--seed", String(c.seed), "--quiet", "--out", dir], { stdio: ["ignore", "ignore", "inherit"] });
  process.stderr.write(`\rtrained ${i + 1}/${RUNS} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
});
process.stderr.write(`\npopulation trained in ${((Date.now() - t0) / 1000).toFixed(0)} s; measuring the graphs of epochs 0…${K}\n`);

interface Row { hyper: number[]; early: number[]; structure: number[]; target: number }
const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
const t1 = Date.now();
const rows: Row[] = [];
for (const [i, c] of configs.entries()) {
  const dir = path.join(OUT, `run-${String(i).padStart(3, "0")}`);
  const index = JSON.parse(readFileSync(path.join(dir, "snapshots", "index.json"), "utf8")) as { name: string; epoch: number; step: number; files: string[] }[];
  const metrics = readFileSync(path.join(dir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { epoch: number; testAccuracy: number });
  const snaps: GraphRunSnapshot[] = [];
  for (const s of index.filter((s) => s.epoch <= K)) snaps.push({ name: s.name, epoch: s.epoch, step: s.step, network: await loadNetwork(path.join(dir, s.files[0]!)) });
  const r: GraphRunResult = await graphOverRun({ snapshots: snaps }, { graphology: false });
  const structure: number[] = [];
  for (const f of r.frames.slice(1)) {
    const hidden = f.layers.slice(1, -1);
    structure.push(
      Math.log(f.lambdaMax),
      f.change!.centrality,
      mean(f.change!.strength),
      Math.log(mean(hidden.map((l) => l.strengthMean))),
      mean(hidden.map((l) => l.fluctuation / l.strengthMean)),
      f.layers[0]!.fluctuation / f.layers[0]!.strengthMean,
      Math.log(f.layers[f.layers.length - 1]!.strengthMean),
    );
  }
  const acc = (e: number): number => metrics.find((m) => m.epoch === e)!.testAccuracy;
  rows.push({
    hyper: [Math.log2(c.width), c.depth, ...INITS.slice(1).map((n) => Number(c.init === n)), Math.log10(c.lr), Math.log10(c.l1 + 1e-6)],
    early: Array.from({ length: K }, (_, e) => acc(e + 1)),
    structure,
    target: acc(EPOCHS),
  });
}
process.stderr.write(`graphs measured in ${((Date.now() - t1) / 1000).toFixed(1)} s\n\n`);

const y = rows.map((r) => r.target);
const sets: [string, (r: Row) => number[]][] = [
  [`hyper-parameters only (log₂ width, depth, init, log lr, log L1)`, (r) => r.hyper],
  [`early test accuracy only (epochs 1…${K})`, (r) => r.early],
  [`graph structure of epochs 0…${K} (λ_max, Δ centrality, Δ strength, strength, fluctuation)`, (r) => r.structure],
  [`graph structure + early accuracy`, (r) => [...r.structure, ...r.early]],
  [`graph structure + hyper-parameters`, (r) => [...r.structure, ...r.hyper]],
];
const sorted = [...y].sort((a, b) => a - b);
console.log(`${RUNS} MNIST MLPs (widths ${WIDTHS.join("/")}, depths ${DEPTHS.join("/")}, ${INITS.length} inits, lr ${LRS.join("/")}, L1 ${L1S.join("/")}), ${EPOCHS} epochs each`);
console.log(`target: test accuracy after epoch ${EPOCHS} (2,000 held-out digits): min ${(100 * sorted[0]!).toFixed(1)} %, median ${(100 * sorted[Math.floor(RUNS / 2)]!).toFixed(1)} %, max ${(100 * sorted[RUNS - 1]!).toFixed(1)} %`);
console.log(`models: ridge regression (α = 1, standardised features) and logistic regression (α = 1) for above/below the median; ${FOLDS}-fold cross-validation, seed 1\n`);
const head = ["features", "n", "CV R²", "MAE (pp)", "Spearman ρ", "above-median accuracy"];
const table = sets.map(([name, f]) => {
  const X = rows.map(f);
  const s = crossValidate(X, y, { k: FOLDS, seed: 1, alpha: 1 });
  return [name, String(X[0]!.length), s.r2.toFixed(3), (100 * s.mae).toFixed(2), s.spearman.toFixed(3), `${(100 * s.accuracy).toFixed(1)} %`];
});
const w = head.map((h, j) => Math.max(h.length, ...table.map((r) => r[j]!.length)));
for (const r of [head, w.map((x) => "-".repeat(x)), ...table]) console.log(r.map((c, j) => (j === 0 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join("  "));
console.log(`\n(chance for the above-median class is 50 %; R² ≤ 0 predicts no better than the mean)`);
