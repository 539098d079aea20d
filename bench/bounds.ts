// Benchmark: output bounds of fully connected nets on a box — netsize's IBP, CROWN and α-CROWN (float64,
// TypeScript) against auto_LiRPA 0.7.1's IBP, CROWN and α-CROWN (CROWN-Optimized) on Debian's torch, float64,
// one thread each side, interleaved rounds, medians. Prints the time ratio and how the bounds compare (max
// |difference| against auto_LiRPA's CROWN; mean width against each). Both α-CROWNs run the same number of
// iterations per bound (--alpha-iters, default 20: auto_LiRPA's default, Adam at its lr 0.5 on both sides);
// netsize's time includes its CROWN pass, which α-CROWN starts from (on the units IBP leaves unstable only).
//
//   npx tsx bench/bounds.ts --lirpa DIR [--rounds 3] [--alpha-iters 20]
//
// DIR is auto_LiRPA's source folder (the one holding auto_LiRPA/), e.g. the search tool's fetch of
// Verified-Intelligence/auto_LiRPA extracted with `git archive HEAD auto_LiRPA | tar -x -C DIR`; it needs
// Debian's python3-appdirs, python3-graphviz, python3-packaging, python3-tqdm, python3-sklearn.
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Box, makeBox } from "../src/core/domain.js";
import { parseVnnlib } from "../src/core/io/vnnlib.js";
import { Network } from "../src/core/network.js";
import { loadMnist } from "../src/node/data.js";
import { loadNetwork, readTextFile } from "../src/node/files.js";
import { crownNode } from "../src/lenses/stability/crown.js";
import { alphaCrownChain, PreBounds } from "../src/lenses/stability/alpha-crown.js";
import { toChain } from "../src/lenses/stability/chain.js";
import { widenLower, widenUpper } from "../src/lenses/stability/state.js";
import { ibp, ibpTightened, ibpUpTo, Interval, nodeInterval } from "../src/lenses/stability/ibp.js";
import { blasLine, loadLine, median, peerBlas, peerEnv } from "./peer.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MODELS = path.resolve(ROOT, "../shared/models/vnncomp2021");
const args = process.argv.slice(2);
const opt = (name: string, d: string): string => { const i = args.indexOf(name); return i >= 0 ? args[i + 1]! : d; };
const LIRPA = opt("--lirpa", ""), ROUNDS = Number(opt("--rounds", "3")), ALPHA_ITERS = Number(opt("--alpha-iters", "20"));
if (!LIRPA) { console.error("bench/bounds.ts: --lirpa DIR (auto_LiRPA's source) is needed"); process.exit(2); }

/**
 * CROWN as auto_LiRPA runs it: every pre-activation layer by CROWN in turn (intersected with IBP), then
 * the output — for the units IBP leaves unstable only, as auto_LiRPA's default sparse intermediate
 * bounds do (the output bounds are identical: a stable unit's relaxation is exact whatever its bounds).
 */
function crown(net: Network, box: Box): Interval {
  return crownWithLayers(net, box, true).out;
}

/** α-CROWN from CROWN's bounds: every unit layer's unstable units in turn, then the output (alpha-crown.ts). */
function alphaCrown(net: Network, box: Box): Interval {
  const { bounds } = crownWithLayers(net, box, true);
  const chain = toChain(net);
  const pre: (PreBounds | undefined)[] = chain.layers.map((l) => {
    if (!l.act) return undefined;
    const I = nodeInterval(bounds, net.layers[l.act.layer]!.inputs[0]!);
    return { lower: I.lower.map((v, i) => widenLower(v, I.mag[i]!)), upper: I.upper.map((v, i) => widenUpper(v, I.mag[i]!)) };
  });
  return alphaCrownChain(chain, box, pre, ALPHA_ITERS);
}

/**
 * Every pre-activation layer by CROWN in turn, then the output. `sparse`: only the units IBP leaves
 * unstable (a stable unit's relaxation is exact whatever its bounds, so the output bounds are the same).
 */
function crownWithLayers(net: Network, box: Box, sparse = false): { out: Interval; bounds: ReturnType<typeof ibp> } {
  const tight = new Map<number, { lower: Float64Array; upper: Float64Array }>();
  const pres = net.layers.flatMap((l) => (l.kind === "activation" ? [l.inputs[0]!] : []));
  // Each node's IBP once: up to the layer CROWN tightens next, then on from it.
  let bounds = ibp(net, box, undefined, undefined, pres[0]);
  const all = (j: number): Int32Array => Int32Array.from({ length: nodeInterval(bounds, j).lower.length }, (_, i) => i);
  net.layers.forEach((layer) => {
    if (layer.kind !== "activation") return;
    const pre = layer.inputs[0]!;
    bounds = ibpUpTo(net, box, tight, bounds, pre);
    const I = nodeInterval(bounds, pre);
    const rows = sparse ? Int32Array.from(all(pre).filter((i) => I.lower[i]! <= 0 && I.upper[i]! > 0)) : all(pre);
    const cb = crownNode(net, box, bounds, pre, rows);
    const lower = Float64Array.from(I.lower), upper = Float64Array.from(I.upper);
    rows.forEach((i, r) => { lower[i] = cb.lower[r]!; upper[i] = cb.upper[r]!; });
    tight.set(pre, { lower, upper });
    bounds = ibpTightened(net, box, tight, bounds, pre);
  });
  bounds = ibpUpTo(net, box, tight, bounds);
  const out = net.layers.length - 1;
  return { out: crownNode(net, box, bounds, out, all(out)), bounds };
}

function timeIt(f: () => void, reps: number): number {
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) { const t = performance.now(); f(); ts.push((performance.now() - t) / 1000); }
  return median(ts);
}

interface PeerLine { method: string; median: number; lower: number[]; upper: number[] }
function peer(model: string, boxFile: string): PeerLine[] {
  const r = spawnSync("/usr/bin/python3", [path.join(ROOT, "bench/peers/bounds_lirpa.py"), model, boxFile, "--peers", path.resolve(ROOT, "../shared/peers"), "--lirpa", LIRPA, "--threads", "1", "--repeat", "5", "--alpha-iters", String(ALPHA_ITERS)], { encoding: "utf8", env: peerEnv(1), maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`peer failed: ${r.stderr}`);
  return r.stdout.trim().split("\n").map((l) => JSON.parse(l) as PeerLine);
}

const width = (lo: ArrayLike<number>, hi: ArrayLike<number>): number => { let s = 0; for (let i = 0; i < lo.length; i++) s += hi[i]! - lo[i]!; return s / lo.length; };
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!)); return m; };

const digit = loadMnist("test");
const x0 = digit.x.subarray(0, 784);
/** The L∞ ball of radius eps around the first test digit, clipped to [0,1]. */
const ball = (eps: number): Box => makeBox(x0.map((v) => Math.max(0, v - eps)), x0.map((v) => Math.min(1, v + eps)));
const CASES: [string, string, () => Box][] = [
  ["ACAS Xu 1_1, prop_1", "ACASXU_run2a_1_1_batch_2000.onnx", () => parseVnnlib(readTextFile(path.join(MODELS, "prop_1.vnnlib"), "the VNN-LIB property")).box],
  ["mnist-net_256x2, digit ±0.015", "mnist-net_256x2.onnx", () => ball(0.015)],
  ["mnist-net_256x4, digit ±0.01", "mnist-net_256x4.onnx", () => ball(0.01)],
];

const blas = peerBlas(1);
console.log(blasLine(blas));
console.log(`output bounds, float64, 1 thread each side, ${ROUNDS} rounds (medians); ${loadLine()}`);
console.log(`${"case".padEnd(32)}${"method".padEnd(13)}${"netsize".padStart(11)}${"auto_LiRPA".padStart(12)}${"ratio".padStart(8)}   bounds`);
for (const [name, file, boxOf] of CASES) {
  const modelPath = path.join(MODELS, file);
  const net = await loadNetwork(modelPath);
  const box = boxOf();
  const boxFile = path.join(tmpdir(), `netsize-bench-bounds-${process.pid}.json`);
  writeFileSync(boxFile, JSON.stringify({ lower: Array.from(box.lower), upper: Array.from(box.upper) }));
  const ns = { ibp: [] as number[], crown: [] as number[], alpha: [] as number[] };
  const pe: Record<string, number[]> = {};
  let last: PeerLine[] = [];
  // JIT warm-up before the first round (the peer's kernels are compiled C++; its first calls are timed, as
  // here every call of a round is): without it round 1's CROWN runs in V8's lower tiers, 2–5× slower.
  timeIt(() => ibp(net, box), 50);
  timeIt(() => crown(net, box), 20);
  timeIt(() => alphaCrown(net, box), 1);
  for (let r = 0; r < ROUNDS; r++) {
    last = peer(modelPath, boxFile);
    for (const l of last) (pe[l.method] ??= []).push(l.median);
    ns.ibp.push(timeIt(() => ibp(net, box), 50));
    ns.crown.push(timeIt(() => crown(net, box), 15));
    ns.alpha.push(timeIt(() => alphaCrown(net, box), 2));
  }
  rmSync(boxFile, { force: true });
  const ib = ibp(net, box).layers.at(-1)!, cr = crown(net, box), al = alphaCrown(net, box);
  const p = Object.fromEntries(last.map((l) => [l.method, l]));
  const row = (method: string, t: number | undefined, peerT: number, text: string): void =>
    console.log(`${name.padEnd(32)}${method.padEnd(13)}${(t === undefined ? "—" : `${(t * 1000).toFixed(2)} ms`).padStart(11)}${`${(peerT * 1000).toFixed(2)} ms`.padStart(12)}${(t === undefined ? "" : `${(peerT / t).toFixed(2)}×`).padStart(8)}   ${text}`);
  row("IBP", median(ns.ibp), median(pe.IBP!), `mean width ${width(ib.lower, ib.upper).toPrecision(6)} vs ${width(p.IBP!.lower, p.IBP!.upper).toPrecision(6)}, max |Δ| ${maxDiff(ib.lower, p.IBP!.lower).toExponential(1)}`);
  row("CROWN", median(ns.crown), median(pe.CROWN!), `mean width ${width(cr.lower, cr.upper).toPrecision(6)} vs ${width(p.CROWN!.lower, p.CROWN!.upper).toPrecision(6)}, max |Δ| ${Math.max(maxDiff(cr.lower, p.CROWN!.lower), maxDiff(cr.upper, p.CROWN!.upper)).toExponential(1)}`);
  const wa = width(al.lower, al.upper), wpa = width(p["alpha-CROWN"]!.lower, p["alpha-CROWN"]!.upper), wc = width(cr.lower, cr.upper);
  row("α-CROWN", median(ns.alpha), median(pe["alpha-CROWN"]!), `mean width ${wa.toPrecision(6)} vs ${wpa.toPrecision(6)} (netsize/auto_LiRPA ${(wa / wpa).toFixed(3)}); narrower than netsize's CROWN: netsize ${(wc / wa).toFixed(3)}×, auto_LiRPA ${(wc / wpa).toFixed(3)}×`);
}
console.log("ratio = auto_LiRPA time / netsize time (> 1 means netsize is faster)");
