// Benchmark: batched forward passes of an MLP over many inputs — netsize's batched onnxruntime engine
// (float32 and float64, with and without pre-activation outputs) against a PyTorch peer
// (bench/peers/forward_torch.py, weights read by ../shared/peers/onnx_mlp.py) in the same run, on the same inputs.
//
//   npx tsx bench/forward.ts [--model vnncomp2021/mnist-net_256x6.onnx] [--n 100000] [--rounds 3] [--threads 2]
//
// Inputs are uniform in [0,1] from netsize's seeded RNG, rounded to float32 so both sides see identical values,
// and handed to the peer through a .npy file in the OS temp folder. Each round runs every peer variant (in one
// Python process per variant, after a warm-up) and every netsize variant (one engine per precision, compiled
// once); figures are medians of the rounds. Throughput counts the whole pass: copying in, running, copying out
// (and for "units" computing the activation patterns).
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createBatchedEngine } from "../src/node/engine/onnxruntime.js";
import { loadNetwork } from "../src/node/files.js";
import { inputSize, outputSize } from "../src/core/network.js";
import { createRng } from "../src/core/random.js";
import { encodeNpy, parseNpy } from "../src/data/npy.js";
import { blasLine, loadLine, median, peerBlas, peerEnv, ratioText } from "./peer.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name: string, d: string): string => { const i = args.indexOf(name); return i >= 0 ? args[i + 1]! : d; };
const REL = opt("--model", "vnncomp2021/mnist-net_256x6.onnx");
const MODEL = path.resolve(ROOT, "../shared/models", REL);
const N = Number(opt("--n", "100000")), ROUNDS = Number(opt("--rounds", "3")), THREADS = Number(opt("--threads", "2"));

const net = await loadNetwork(MODEL);
const d = inputSize(net), m = outputSize(net);
const rng = createRng(2024);
const X32 = new Float32Array(N * d);
for (let i = 0; i < X32.length; i++) X32[i] = rng.next();
const X = Float64Array.from(X32);
const xFile = path.join(tmpdir(), `netsize-bench-forward-x-${process.pid}.npy`);
const yFile = path.join(tmpdir(), `netsize-bench-forward-y-${process.pid}.npy`);
writeFileSync(xFile, encodeNpy(X32, [N, d]));

interface Variant { float: 32 | 64; units: boolean }
const VARIANTS: Variant[] = [
  { float: 32, units: false }, { float: 64, units: false },
  { float: 32, units: true }, { float: 64, units: true },
];
const key = (v: Variant): string => `float${v.float}${v.units ? " + units" : ""}`;

function peer(v: Variant, out?: string): number {
  const r = spawnSync("/usr/bin/python3", [
    path.join(ROOT, "bench/peers/forward_torch.py"), MODEL, xFile, "--peers", path.resolve(ROOT, "../shared/peers"),
    "--threads", String(THREADS), "--dtype", `float${v.float}`, "--repeat", "1", ...(v.units ? ["--units"] : []), ...(out ? ["--out", out] : []),
  ], { encoding: "utf8", maxBuffer: 1 << 20, env: peerEnv(THREADS) });
  if (r.status !== 0) throw new Error(`peer failed: ${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split("\n").pop()!) as { median: number }).median;
}

const engines = { 32: await createBatchedEngine(net, { float: 32, threads: THREADS }), 64: await createBatchedEngine(net, { float: 64, threads: THREADS }) };
// Compile both sessions of each engine (with and without unit outputs) and warm them up before timing.
for (const v of [{ float: 32, units: false }, { float: 32, units: true }, { float: 64, units: false }, { float: 64, units: true }] as const) {
  await engines[v.float].run(X.subarray(0, 256 * d), 256, { withUnits: v.units });
}
async function ours(v: Variant): Promise<{ seconds: number; outputs: Float64Array }> {
  const t0 = performance.now();
  const r = await engines[v.float].run(X, N, { withUnits: v.units });
  return { seconds: (performance.now() - t0) / 1000, outputs: r.outputs };
}

const blas = peerBlas(THREADS);
console.log(blasLine(blas));
console.log(`forward passes of ${REL} (${d} inputs, ${m} outputs) over ${N.toLocaleString("en-US")} inputs, ${THREADS} threads each side, ${ROUNDS} rounds`);
const times = new Map<string, { ns: number[]; peer: number[] }>(VARIANTS.map((v) => [key(v), { ns: [], peer: [] }]));
let check = "";
for (let round = 0; round < ROUNDS; round++) {
  for (const v of VARIANTS) {
    const t = times.get(key(v))!;
    const withOut = round === 0 && v.float === 64 && !v.units;
    t.peer.push(peer(v, withOut ? yFile : undefined));
    const r = await ours(v);
    t.ns.push(r.seconds);
    if (withOut) {
      // Same work on both sides: the float64 outputs agree to rounding.
      const y = parseNpy(readFileSync(yFile), yFile).data;
      let worst = 0, scale = 0;
      for (let i = 0; i < y.length; i++) { worst = Math.max(worst, Math.abs(y[i]! - r.outputs[i]!)); scale = Math.max(scale, Math.abs(y[i]!)); }
      check = `float64 outputs of netsize and PyTorch differ by at most ${worst.toExponential(2)} (outputs up to ${scale.toFixed(1)})`;
    }
  }
}
for (const e of Object.values(engines)) await e.dispose();
rmSync(xFile, { force: true });
rmSync(yFile, { force: true });

const rows = VARIANTS.map((v) => {
  const t = times.get(key(v))!;
  const ns = N / median(t.ns), py = N / median(t.peer);
  return [key(v), Math.round(ns), Math.round(py), ns / py] as const;
});
console.log(check);
console.log(`${"variant".padEnd(18)}${"netsize samples/s".padStart(20)}${"PyTorch samples/s".padStart(20)}${"ratio".padStart(9)}`);
for (const [k, ns, py, ratio] of rows) {
  console.log(`${k.padEnd(18)}${ns.toLocaleString("en-US").padStart(20)}${py.toLocaleString("en-US").padStart(20)}${ratioText(ratio, blas).padStart(9)}`);
}
console.log(`ratio = netsize throughput / PyTorch throughput (medians of the rounds; > 1 means netsize is faster); ${loadLine()}`);
