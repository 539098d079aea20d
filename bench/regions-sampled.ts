// Benchmark: distinct activation patterns on an R×R grid of a 2-D slice of MNIST input space,
// netsize's sampled lens (batched onnxruntime engine, float64) against the PyTorch peer
// (../shared/peers/grid_regions.py) in the same run, on the same grid.
//
//   npx tsx bench/regions-sampled.ts [--model exactcompression/mnist_100-100_l1-0.onnx] [--grid 128] [--half 10] [--rounds 3]
//
// The slice is the plane through the first MNIST digits of classes 0, 1 and 2, centred on their
// mean, spanned by an orthonormal basis of (p1 - p0, p2 - p0), covering [-half, half]^2 (the peer's
// construction). Rounds alternate peer and netsize; figures are medians. netsize's time includes
// building the grid points.
import { mkdirSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadNetwork } from "../src/node/files.js";
import { firstOfClass, loadMnist } from "../src/node/data.js";
import { sample } from "../src/data/dataset.js";
import { sampledRegions } from "../src/lenses/regions/sampled.js";
import { median } from "./peer.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PEER = path.resolve(ROOT, "../shared/peers/grid_regions.py");
const args = process.argv.slice(2);
const opt = (name: string, d: string): string => { const i = args.indexOf(name); return i >= 0 ? args[i + 1]! : d; };
const MODEL = path.resolve(ROOT, "../shared/models", opt("--model", "exactcompression/mnist_100-100_l1-0.onnx"));
const GRID = Number(opt("--grid", "128")), HALF = Number(opt("--half", "10")), ROUNDS = Number(opt("--rounds", "3"));

const digits = loadMnist("all");
const anchors = [0, 1, 2].map((c) => Array.from(sample(digits, firstOfClass(c))));
mkdirSync(path.join(ROOT, "out"), { recursive: true });
const anchorFile = path.join(ROOT, "out", "bench-regions-anchors.json");
writeFileSync(anchorFile, JSON.stringify(anchors));

/** Orthonormal basis of (p1 - p0, p2 - p0) by Gram–Schmidt (equal to numpy's QR up to column signs, which the symmetric grid absorbs). */
function plane(): { origin: Float64Array; b1: Float64Array; b2: Float64Array } {
  const d = anchors[0]!.length, origin = new Float64Array(d), b1 = new Float64Array(d), b2 = new Float64Array(d);
  for (let i = 0; i < d; i++) { origin[i] = (anchors[0]![i]! + anchors[1]![i]! + anchors[2]![i]!) / 3; b1[i] = anchors[1]![i]! - anchors[0]![i]!; b2[i] = anchors[2]![i]! - anchors[0]![i]!; }
  const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i]!, 0);
  const n1 = Math.sqrt(dot(b1, b1)); b1.forEach((v, i) => { b1[i] = v / n1; });
  const p = dot(b1, b2); b2.forEach((v, i) => { b2[i] = v - p * b1[i]!; });
  const n2 = Math.sqrt(dot(b2, b2)); b2.forEach((v, i) => { b2[i] = v / n2; });
  return { origin, b1, b2 };
}

function peer(): { patterns: number; seconds: number } {
  const r = spawnSync("/usr/bin/python3", [PEER, MODEL, "--anchors", anchorFile, "--grid", String(GRID), "--half", String(HALF)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`peer failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as { patterns: number; seconds: number };
}

const net = await loadNetwork(MODEL);
async function netsize(): Promise<{ patterns: number; seconds: number; engine: string }> {
  const t0 = performance.now();
  const { origin, b1, b2 } = plane(), d = origin.length, n = GRID * GRID;
  const X = new Float64Array(n * d);
  for (let iy = 0; iy < GRID; iy++) for (let ix = 0; ix < GRID; ix++) {
    // numpy meshgrid order: row iy holds v = u[iy], column ix holds u = u[ix]
    const u = -HALF + (2 * HALF * ix) / (GRID - 1), v = -HALF + (2 * HALF * iy) / (GRID - 1), o = (iy * GRID + ix) * d;
    for (let i = 0; i < d; i++) X[o + i] = origin[i]! + u * b1[i]! + v * b2[i]!;
  }
  const r = await sampledRegions(net, { n, X, source: `grid ${GRID}×${GRID}` }, { engine: "onnxruntime" });
  return { patterns: r.distinctPatterns, seconds: (performance.now() - t0) / 1000, engine: r.engine };
}

const ps: number[] = [], ns: number[] = [];
let pp = 0, np = 0;
for (let r = 0; r < ROUNDS; r++) {
  const a = peer(); ps.push(a.seconds); pp = a.patterns;
  const b = await netsize(); ns.push(b.seconds); np = b.patterns;
  console.log(`round ${r + 1}: peer ${a.seconds.toFixed(3)} s (${a.patterns} patterns), netsize ${b.seconds.toFixed(3)} s (${b.patterns} patterns, ${b.engine})`);
}
console.log(`${path.basename(MODEL)}, grid ${GRID}×${GRID} on [-${HALF}, ${HALF}]²: patterns peer ${pp}, netsize ${np}`);
console.log(`median seconds: peer ${median(ps).toFixed(3)}, netsize ${median(ns).toFixed(3)}; netsize / peer = ${(median(ns) / median(ps)).toFixed(2)}`);
