// Run in a fresh `node --expose-gc --import tsx` by test/regions/list-bytes.test.ts: the heap a lens's
// region list takes, measured where nothing else allocates (inside a test worker the collector's
// state from earlier tests made the difference swing by megabytes, even negative).
// argv[2]: JSON { kind: "slice", model, half, patterns } | { kind: "line", width, outputs, details, patterns }.
// Prints JSON { count, vertices, bytes }.
import { randomMlp } from "../../src/core/build.js";
import { inputSize } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import { lineRegions, planeThrough, sliceCompute } from "../../src/lenses/regions/index.js";
import { loadNetwork } from "../../src/node/files.js";

type Job = { kind: "slice"; model: string; half: number; patterns: boolean } | { kind: "line"; width: number; outputs: number; details: boolean; patterns: boolean };
const job = JSON.parse(process.argv[2]!) as Job;
const gc = (globalThis as { gc?: () => void }).gc!;

let run: () => { count: number; vertices: number };
if (job.kind === "slice") {
  const net = await loadNetwork(job.model);
  const rng = createRng(1), d = inputSize(net);
  const a = [0, 1, 2].map(() => Array.from({ length: d }, () => rng.next()));
  const plane = planeThrough(a[0]!, a[1]!, a[2]!);
  run = () => {
    const { partition: P, result } = sliceCompute(net, plane, { halfWidth: job.half, patterns: job.patterns });
    if ((result.regions![0]!.pattern === undefined) === job.patterns) throw new Error("patterns option not honoured");
    keep.push(result);
    return { count: P.count, vertices: P.cellLen.reduce((s, n) => s + n, 0) };
  };
} else {
  const net = randomMlp([1, job.width, job.outputs], { seed: 1, biasStd: 1 });
  const path = { points: [Float64Array.of(-300), Float64Array.of(300)] };
  run = () => {
    const r = lineRegions(net, path, { details: job.details, patterns: job.patterns });
    keep.push(r);
    return { count: r.count, vertices: 2 * r.count };
  };
}
const keep: unknown[] = [];
run(); // warm: compiled code and caches are not the list's
keep.length = 0;
// Four measurements, each result kept; the first is dropped (now and then the collection before it
// leaves the warm-up's garbage counted in `before`: a delta near zero, seen in ~1 of 4 runs, never
// later) and the median of the other three reported.
const deltas: number[] = [];
let out = { count: 0, vertices: 0 };
for (let t = 0; t < 4; t++) {
  gc(); gc();
  const before = process.memoryUsage().heapUsed;
  out = run();
  gc(); gc();
  if (t > 0) deltas.push(process.memoryUsage().heapUsed - before);
}
deltas.sort((a, b) => a - b);
console.log(JSON.stringify({ ...out, bytes: deltas[1]! }));
