// A seeded mutation fuzzer over netsize's readers (ONNX, netsize JSON, VNN-LIB, CSV, NPY): start from
// small valid files, mutate them (bit flips, byte overwrites with interesting values, truncations,
// insertions, chunk duplication and splicing, deep nesting), feed each to its reader, and classify the
// outcome. A reader may accept the input or throw a NetsizeError; anything else (a TypeError, a
// RangeError, a stack overflow) is INTERNAL — a crash. Inputs that take over `slowMs` are hangs.
import { isNetsizeError } from "../../src/core/errors.js";
import { networkFromBytes, networkFromJson, networkToJson, networkToOnnx, parseVnnlib } from "../../src/core/io/index.js";
import { forward } from "../../src/core/engine/reference.js";
import { inputSize } from "../../src/core/network.js";
import { createRng, Rng } from "../../src/core/random.js";
import { parseCsv } from "../../src/data/csv.js";
import { datasetFromNpy, encodeNpy } from "../../src/data/npy.js";
import { convNet, actNet } from "../io/nets.js";

/** One reader under test: its seeds and how to run it on bytes. */
export interface Target {
  name: string;
  seeds: Uint8Array[];
  run(bytes: Uint8Array): void;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const decode = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Use a decoded network the way a command would, so a reader that accepts garbage is caught downstream. */
function exercise(net: ReturnType<typeof networkFromBytes>): void {
  const d = inputSize(net);
  if (d <= 1 << 16) forward(net, new Float64Array(d).fill(0.5));
}

/** The readers and their seed files. */
export function targets(): Target[] {
  const nets = [convNet(1), actNet("leakyrelu", { alpha: 0.1 }), actNet("hardtanh", { min: -1, max: 1 }), actNet("tanh")];
  return [
    { name: "onnx", seeds: nets.flatMap((n) => [networkToOnnx(n, { float: 32 }), networkToOnnx(n, { float: 64 })]), run: (b) => exercise(networkFromBytes(b, { file: "fuzz.onnx" })) },
    { name: "json", seeds: nets.map((n) => text(networkToJson(n))), run: (b) => exercise(networkFromJson(decode(b), "fuzz.json")) },
    {
      name: "vnnlib",
      seeds: [
        text("; prop\n(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n(declare-const Y_1 Real)\n(assert (>= X_0 -1))\n(assert (<= X_0 1))\n(assert (>= X_1 0))\n(assert (<= X_1 0.5))\n(assert (or (and (>= Y_0 Y_1)) (and (<= Y_0 0.25))))\n"),
        text("(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (and (>= X_0 -1e3) (<= X_0 1e3)))\n(assert (<= Y_0 0))\n"),
      ],
      run: (b) => { parseVnnlib(decode(b), "fuzz.vnnlib"); },
    },
    {
      name: "csv",
      seeds: [text("x0,x1,label\n0.1,0.2,0\n-1,2.5e-3,1\n3,4,2\n"), text("1,2,3\n4,5,6\n")],
      run: (b) => { parseCsv(decode(b), "fuzz.csv", { labelColumn: -1 }); },
    },
    {
      name: "npy",
      seeds: [encodeNpy(Float64Array.from([1, 2, 3, 4, 5, 6]), [3, 2]), encodeNpy(Float32Array.from([0.5, -1, 2, 0]), [2, 2])],
      run: (b) => { datasetFromNpy(b, "fuzz.npy", { labelColumn: -1 }); },
    },
  ];
}

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x30, 0x39, 0x2d, 0x2e, 0x65, 0x22, 0x28, 0x29, 0x5b, 0x7b, 0x0a, 0x1b];

/** One mutation of `b` (sometimes spliced with `other`). */
export function mutate(b: Uint8Array, other: Uint8Array, rng: Rng): Uint8Array {
  const n = b.length;
  const at = (): number => rng.int(Math.max(1, n));
  switch (rng.int(9)) {
    case 0: { const c = Uint8Array.from(b); const i = at(); if (n) c[i] = c[i]! ^ (1 << rng.int(8)); return c; }
    case 1: { const c = Uint8Array.from(b); for (let k = 0; k < 1 + rng.int(8); k++) if (n) c[at()] = INTERESTING[rng.int(INTERESTING.length)]!; return c; }
    case 2: return b.subarray(0, at());
    case 3: { const i = at(); const ins = Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256)); return concat(b.subarray(0, i), ins, b.subarray(i)); }
    case 4: { const i = at(), j = Math.min(n, i + rng.int(64)); return concat(b.subarray(0, j), b.subarray(i, j), b.subarray(i, j), b.subarray(j)); }
    case 5: { const i = at(); return concat(b.subarray(0, i), other.subarray(rng.int(Math.max(1, other.length)))); }
    case 6: { const i = at(), j = Math.min(n, i + 1 + rng.int(32)); return concat(b.subarray(0, i), b.subarray(j)); }
    case 7: { // numbers that break arithmetic, written where digits were
      const c = decode(b).replace(/-?\d+(\.\d+)?(e-?\d+)?/, ["1e999", "-1e308", "NaN", "1e-400", "99999999999999999999", "-0", "0x10"][rng.int(7)]!);
      return text(c);
    }
    default: { // deep nesting
      const depth = 1000 + rng.int(200_000);
      return rng.next() < 0.5 ? text("(".repeat(depth) + ")".repeat(depth)) : text("[".repeat(depth) + "]".repeat(depth));
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Counts of one fuzz run. */
export interface FuzzCounts {
  target: string;
  inputs: number;
  accepted: number;
  rejected: number;
  /** Errors that are not NetsizeErrors: crashes. */
  internal: number;
  /** NetsizeError messages with a control character or more than one line. */
  rawMessages: number;
  /** Inputs that took longer than slowMs. */
  hangs: number;
  /** The first few failures, for the report. */
  examples: string[];
}

/** Fuzz one target for `ms` milliseconds (or `maxInputs`), deterministically from `seed`. */
export async function fuzz(t: Target, opts: { ms: number; seed: number; slowMs?: number; maxInputs?: number }): Promise<FuzzCounts> {
  const rng = createRng(opts.seed);
  const c: FuzzCounts = { target: t.name, inputs: 0, accepted: 0, rejected: 0, internal: 0, rawMessages: 0, hangs: 0, examples: [] };
  const end = performance.now() + opts.ms;
  let pool = [...t.seeds];
  let yielded = performance.now();
  while (performance.now() < end && c.inputs < (opts.maxInputs ?? Infinity)) {
    // Let the test worker's event loop breathe (its RPC to the runner times out if blocked for long on a loaded machine).
    if (performance.now() - yielded > 50) { await new Promise((r) => setImmediate(r)); yielded = performance.now(); }
    const base = pool[rng.int(pool.length)]!;
    let input = mutate(base, t.seeds[rng.int(t.seeds.length)]!, rng);
    if (rng.next() < 0.3) input = mutate(input, base, rng);
    const t0 = performance.now();
    try {
      t.run(input);
      c.accepted++;
      if (pool.length < 64 && input.length < 1 << 20) pool.push(input);
    } catch (e) {
      if (isNetsizeError(e)) {
        c.rejected++;
        // eslint-disable-next-line no-control-regex
        if (/[\u0000-\u001f\u007f-\u009f]/.test(e.message)) {
          c.rawMessages++;
          if (c.examples.filter((x) => x.startsWith("raw")).length < 5) c.examples.push(`raw message: ${JSON.stringify(e.message.slice(0, 160))}`);
        }
      } else {
        c.internal++;
        if (c.examples.filter((x) => x.startsWith("INTERNAL")).length < 5) c.examples.push(`INTERNAL ${(e as Error).name}: ${String((e as Error).message).slice(0, 160)}`);
      }
    }
    if (performance.now() - t0 > (opts.slowMs ?? 5000)) {
      c.hangs++;
      if (c.examples.length < 5) c.examples.push(`slow: ${Math.round(performance.now() - t0)} ms on ${input.length} bytes`);
    }
    c.inputs++;
    if (pool.length > 48) pool = pool.slice(-32).concat(t.seeds);
  }
  return c;
}
