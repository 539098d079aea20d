// Benchmark: exact regions of a 2-D box (two pixels of an MNIST digit vary, the rest fixed) with
// netsize's LP traversal, against the PyTorch grid peer (../shared/peers/grid_regions.py) on the
// same square, in the same run. The peer's count is a lower bound (a grid misses small regions);
// netsize's is exact, so the figure to read is time to an exact count versus time to a grid estimate.
//
//   npx tsx bench/regions-box.ts [--model exactcompression/mnist_100-100_l1-0.onnx] [--pixels 350,406] [--half 4] [--grid 256] [--rounds 3]
//
// The peer's plane through (x0, x0 + e_i, x0 + e_j) has origin x0 + (e_i + e_j)/3 and basis ±(e_i, e_j),
// so its square [-half, half]² is netsize's box origin ± half on pixels i and j.
import { mkdirSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeBox } from "../src/core/domain.js";
import { loadNetwork } from "../src/node/files.js";
import { sample } from "../src/data/dataset.js";
import { firstOfClass, loadMnist } from "../src/node/data.js";
import { boxRegions } from "../src/lenses/regions/box.js";
import { median } from "./peer.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PEER = path.resolve(ROOT, "../shared/peers/grid_regions.py");
const args = process.argv.slice(2);
const opt = (name: string, d: string): string => { const i = args.indexOf(name); return i >= 0 ? args[i + 1]! : d; };
const MODEL = path.resolve(ROOT, "../shared/models", opt("--model", "exactcompression/mnist_100-100_l1-0.onnx"));
const [PI, PJ] = opt("--pixels", "350,406").split(",").map(Number) as [number, number];
const HALF = Number(opt("--half", "4")), GRID = Number(opt("--grid", "256")), ROUNDS = Number(opt("--rounds", "3"));

const x0 = Array.from(sample(loadMnist("all"), firstOfClass(3)));
const p1 = [...x0], p2 = [...x0];
p1[PI]! += 1; p2[PJ]! += 1;
mkdirSync(path.join(ROOT, "out"), { recursive: true });
const anchorFile = path.join(ROOT, "out", "bench-regions-box-anchors.json");
writeFileSync(anchorFile, JSON.stringify([x0, p1, p2]));
const origin = x0.map((v, k) => v + ((k === PI ? 1 : 0) + (k === PJ ? 1 : 0)) / 3);
const lower = Float64Array.from(origin), upper = Float64Array.from(origin);
lower[PI] = origin[PI]! - HALF; upper[PI] = origin[PI]! + HALF; lower[PJ] = origin[PJ]! - HALF; upper[PJ] = origin[PJ]! + HALF;
const box = makeBox(lower, upper, `pixels ${PI},${PJ} ± ${HALF}`);
const net = await loadNetwork(MODEL);

function peer(): { patterns: number; seconds: number } {
  const r = spawnSync("/usr/bin/python3", [PEER, MODEL, "--anchors", anchorFile, "--grid", String(GRID), "--half", String(HALF)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`peer failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as { patterns: number; seconds: number };
}

const ps: number[] = [], ns: number[] = [];
let pp = 0, exact = 0;
for (let r = 0; r < ROUNDS; r++) {
  const a = peer(); ps.push(a.seconds); pp = a.patterns;
  const t0 = performance.now();
  const b = await boxRegions(net, box, { listRegions: false });
  const s = (performance.now() - t0) / 1000;
  ns.push(s); exact = b.count;
  console.log(`round ${r + 1}: peer grid ${GRID}² ${a.seconds.toFixed(3)} s (${a.patterns} patterns), netsize exact ${s.toFixed(3)} s (${b.count} regions, ${b.lpSolves} LPs)`);
}
console.log(`${path.basename(MODEL)}, ${box.source}: exact ${exact} regions; the ${GRID}×${GRID} grid finds ${pp} (${((100 * pp) / exact).toFixed(1)}%)`);
console.log(`median seconds: peer ${median(ps).toFixed(3)}, netsize ${median(ns).toFixed(3)}; netsize / peer = ${(median(ns) / median(ps)).toFixed(2)}`);
