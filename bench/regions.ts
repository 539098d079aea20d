// Benchmark: exact linear regions of a 2-D slice on every shared MLP — netsize's exact partition
// against the peer ../shared/peers/grid_regions.py (distinct activation patterns on an R×R grid,
// PyTorch float64) on the same slice, same run. MNIST nets: the plane through the first digit of
// classes 0, 1 and 2 of the `mnist` package (firstOfClass), half-width 10; the others (ACAS Xu,
// CIFAR): the plane through three seeded uniform [0, 1] points (as test/regions/exact-models.test.ts),
// at the half-width in the table below. Origin = mean of the three, basis = QR of (p1−p0, p2−p0).
//
//   npx tsx bench/regions.ts [--runs 7] [--grid 1024] [--no-peer] [--only 256x4,100-100]
//
// netsize's times are medians of RUNS runs after one warm-up (all partitions, then all full lenses): the partition alone, and the full lens
// (sliceRegions: partition, region list with patterns, decision boundary; no verification); the
// peer's is its own reported grid time (one run: it takes seconds). Regions per second = regions /
// netsize median.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadNetwork } from "../src/node/files.js";
import { inputSize } from "../src/core/network.js";
import { createRng } from "../src/core/random.js";
import { sample } from "../src/data/dataset.js";
import { firstOfClass, loadMnistAll } from "../src/node/data.js";
import { planeThrough } from "../src/lenses/regions/anchors.js";
import { partition } from "../src/lenses/regions/partition.js";
import { SliceResult, sliceRegions } from "../src/lenses/regions/slice.js";
import { isNetsizeError } from "../src/core/errors.js";
import type { Network } from "../src/core/network.js";
import { loadLine, median } from "./peer.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const RUNS = opt("--runs", 7), GRID = opt("--grid", 1024);
const PEER = !args.includes("--no-peer");
const ONLY = args.includes("--only") ? args[args.indexOf("--only") + 1]!.split(",") : undefined;

/** The shared MLPs and the half-width of their slice. */
const MODELS: [string, number][] = [
  ["exactcompression/mnist_100-100_l1-0.onnx", 10],
  ["exactcompression/mnist_200-200_l1-0.onnx", 10],
  ["vnncomp2021/mnist-net_256x2.onnx", 10],
  ["vnncomp2021/mnist-net_256x4.onnx", 10],
  ["vnncomp2021/mnist-net_256x6.onnx", 10],
  ["vnncomp2021/mnist_relu_9_200.onnx", 10],
  ["vnncomp2021/ACASXU_run2a_1_1_batch_2000.onnx", 1],
  ["vnncomp2021/ACASXU_run2a_2_1_batch_2000.onnx", 1],
  ["vnncomp2021/ACASXU_run2a_3_3_batch_2000.onnx", 1],
  ["exactcompression/cifar10_400-400_l1-1.75e-4_after-compression.onnx", 10],
  ["exactcompression/cifar100_400-400_l1-7.5e-5_after-compression.onnx", 10],
];

const mnist = [0, 1, 2].map((c) => Array.from(sample(loadMnistAll(), firstOfClass(c))));
/** The first digits of classes 0, 1, 2 for MNIST-shaped inputs, seeded uniform [0, 1] points otherwise. */
function anchorsFor(d: number): number[][] {
  if (d === 784) return mnist;
  const rng = createRng(1);
  return [0, 1, 2].map(() => Array.from({ length: d }, () => rng.next()));
}

/**
 * The full lens at its defaults; where its region list passes the default 1 GiB (LIMIT_EXCEEDED, e.g.
 * mnist_relu_9_200: ~3.6 KB a region with its 1,809-character patterns), without the patterns and with
 * a 3 GiB limit, said once.
 */
const refused = new Set<Network>();
function fullLens(net: Network, plane: ReturnType<typeof planeThrough>, half: number): SliceResult {
  if (!refused.has(net)) {
    try {
      return sliceRegions(net, plane, { halfWidth: half });
    } catch (e) {
      if (!isNetsizeError(e) || e.code !== "LIMIT_EXCEEDED") throw e;
      console.log(`  full lens at its defaults: ${e.message.slice(0, 140)}… — timed with patterns: false, maxBytes 3 GiB`);
      refused.add(net);
    }
  }
  return sliceRegions(net, plane, { halfWidth: half, patterns: false, maxBytes: 3 * 2 ** 30 });
}

console.log(`exact regions of a 2-D slice per shared MLP; ${cpus().length} CPUs, ${loadLine()}`);
for (const [rel, half] of MODELS) {
  if (ONLY && !ONLY.some((s) => rel.includes(s))) continue;
  const file = path.resolve(ROOT, "../shared/models", rel);
  const net = await loadNetwork(file);
  const anchors = anchorsFor(inputSize(net));
  const plane = planeThrough(anchors[0]!, anchors[1]!, anchors[2]!);
  const domain = Float64Array.from([-half, -half, half, -half, half, half, -half, half]);
  const part: number[] = [], lens: number[] = [];
  let count = 0;
  // The partitions first, then the full lenses: a full lens's region list (1.5 GB on mnist_relu_9_200)
  // left for the collector made a partition run after it up to 3× slower (garbage, not partition time).
  for (let r = 0; r <= RUNS; r++) {
    const t = performance.now();
    count = partition(net, { origin: plane.origin, basis: plane.basis, domain }).count;
    if (r > 0) part.push(performance.now() - t);
  }
  for (let r = 0; r <= RUNS; r++) {
    const t = performance.now();
    const res = fullLens(net, plane, half);
    if (r > 0) lens.push(performance.now() - t);
    if (res.count !== count) throw new Error("lens and partition disagree");
  }
  const mp = median(part), ml = median(lens);
  const rate = (ms: number): string => Math.round(count / (ms / 1000)).toLocaleString("en-US");
  console.log(`\n${rel} (half-width ${half})`);
  console.log(`  netsize exact: ${count} regions; partition median ${mp.toFixed(1)} ms (${rate(mp)} regions/s), full lens median ${ml.toFixed(1)} ms (${rate(ml)} regions/s); ${RUNS} runs, partition min ${Math.min(...part).toFixed(1)} / max ${Math.max(...part).toFixed(1)} ms; ${loadLine()}`);
  if (!PEER) continue;
  const anchorFile = "/tmp/netsize-bench-regions-anchors.json";
  writeFileSync(anchorFile, JSON.stringify(anchors));
  const peer = spawnSync("/usr/bin/python3", [path.resolve(ROOT, "../shared/peers/grid_regions.py"), file, "--anchors", anchorFile, "--grid", String(GRID), "--half", String(half)], { encoding: "utf8" });
  if (peer.status !== 0) { console.log(`  peer failed: ${peer.stderr.trim().split("\n").pop()}`); continue; }
  const p = JSON.parse(peer.stdout.trim().split("\n").pop()!) as { grid: number; patterns: number; seconds: number };
  console.log(`  peer grid ${p.grid}²: ${p.patterns} patterns in ${p.seconds.toFixed(2)} s (misses ${count - p.patterns} regions, ${(100 * (count - p.patterns) / count).toFixed(1)}%)`);
  console.log(`  ratio peer time / netsize time: ${(p.seconds * 1000 / mp).toFixed(0)}× (partition), ${(p.seconds * 1000 / ml).toFixed(0)}× (full lens)`);
}
