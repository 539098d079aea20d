// Benchmark: reading ONNX models into float64 layers — netsize's loadNetwork (protobuf decode, lazy
// tensor decode, graph conversion, normalisation folding, shape validation) against the Python peer
// ../shared/peers/onnx_mlp.py (onnx.load + numpy_helper, float64 arrays) on the same files, same run.
//
//   npx tsx bench/io-load.ts [--rounds 15]
//
// Each side reads every model once to warm up, then ROUNDS times; figures are per-model medians (ms).
// The peer runs in one Python process, so interpreter start-up is not counted.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadNetwork } from "../src/node/files.js";
import { summarize } from "../src/core/summary.js";
import { median } from "./peer.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const ROUNDS = Number(args[args.indexOf("--rounds") + 1] ?? 15) || 15;
const MODELS = [
  "vnncomp2021/mnist-net_256x2.onnx", "vnncomp2021/mnist-net_256x6.onnx", "vnncomp2021/mnist_relu_9_200.onnx",
  "vnncomp2021/ACASXU_run2a_1_1_batch_2000.onnx", "exactcompression/mnist_200-200_l1-0.onnx",
  "exactcompression/cifar100_400-400_l1-7.5e-5_after-compression.onnx",
].map((m) => path.resolve(ROOT, "../shared/models", m));

const ours = new Map<string, { ms: number; params: number }>();
for (const file of MODELS) {
  const params = summarize(await loadNetwork(file)).params;
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    await loadNetwork(file);
    times.push(performance.now() - t);
  }
  ours.set(file, { ms: median(times), params });
}
const peer = spawnSync("/usr/bin/python3", [path.join(ROOT, "bench/peers/load_onnx.py"), String(ROUNDS), ...MODELS], { encoding: "utf8" });
if (peer.status !== 0) throw new Error(`peer failed: ${peer.stderr}`);
const theirs = new Map(peer.stdout.trim().split("\n").map((l) => { const [f, ms] = l.split("\t"); return [f!, Number(ms)]; }));
console.log(`median of ${ROUNDS} reads per model (ms); ratio = netsize / peer (below 1: netsize faster)`);
console.log(["model".padEnd(52), "params".padStart(8), "netsize".padStart(9), "peer".padStart(9), "ratio".padStart(7)].join(" "));
for (const file of MODELS) {
  const o = ours.get(file)!, p = theirs.get(file)!;
  console.log([path.basename(file).padEnd(52), String(o.params).padStart(8), o.ms.toFixed(2).padStart(9), p.toFixed(2).padStart(9), (o.ms / p).toFixed(2).padStart(7)].join(" "));
}
