// Benchmark: start-up of the command line — the compiled CLI (bin/netsize.js running the cached esbuild build,
// commands loaded on demand) against the same sources run through tsx on every call (NETSIZE_TSX=1, what every
// call cost before), interleaved, several repeats, medians. Goals (issue 17): --help/--version ≤ 0.3 s and
// `info` on mnist-net_256x2 ≤ 0.6 s on a quiet machine.
//
//   npx tsx bench/startup.ts [--repeats 7]
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadLine, median } from "./peer.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const REPEATS = Number(args[args.indexOf("--repeats") + 1] ?? 7) || 7;
const MODEL = path.resolve(ROOT, "../shared/models/vnncomp2021/mnist-net_256x2.onnx");
const JOBS: [string, string[], number][] = [
  ["--version", ["--version"], 0.3],
  ["--help", ["--help"], 0.3],
  ["info mnist-net_256x2", ["info", MODEL], 0.6],
  ["stability --help", ["stability", "--help"], 0.6],
];

function time(argv: string[], tsx: boolean): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin/netsize.js"), ...argv], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NETSIZE_TSX: tsx ? "1" : "" } });
  if (r.status !== 0) throw new Error(`netsize ${argv.join(" ")} failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

time(["--version"], false); // the first call after an edit builds the cache (~0.3 s of esbuild): not a start-up
time(["--version"], true);
console.log(`start-up of bin/netsize.js, ${REPEATS} interleaved repeats, medians (${loadLine()})`);
console.log(`${"command".padEnd(24)}${"compiled".padStart(10)}${"tsx".padStart(10)}${"speed-up".padStart(10)}${"goal".padStart(8)}`);
for (const [name, argv, goal] of JOBS) {
  const c: number[] = [], t: number[] = [];
  for (let i = 0; i < REPEATS; i++) { c.push(time(argv, false)); t.push(time(argv, true)); }
  const mc = median(c), mt = median(t);
  console.log(`${name.padEnd(24)}${`${mc.toFixed(3)} s`.padStart(10)}${`${mt.toFixed(3)} s`.padStart(10)}${`${(mt / mc).toFixed(1)}×`.padStart(10)}${`${mc <= goal ? "≤" : ">"} ${goal}`.padStart(8)}`);
}
console.log(loadLine());
