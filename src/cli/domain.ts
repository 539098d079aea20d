// The input domain of a command, from its options: --box (bounds for every input, per input, or a
// JSON/CSV/VNN-LIB file), --vnnlib FILE (the property's input box) or --ball EPS around a data point
// (--data D --index I), clipped to the pixel range for image data. Reusable by every command.
import { readFileSync } from "node:fs";
import path from "node:path";
import { Box, linfBall, makeBox, uniformBox } from "../core/domain.js";
import { fail, isNetsizeError } from "../core/errors.js";
import { parseVnnlib } from "../core/io/index.js";
import { Dataset, sample } from "../data/dataset.js";
import { loadDataset } from "../data/load.js";

/** The domain options a command accepts. */
export interface DomainCliOptions {
  box?: string;
  vnnlib?: string;
  ball?: string;
  data?: string;
  index?: string;
  /** Clip the ball: 'lo:hi' (default 0:1 for mnist, none for other data). */
  clip?: string;
}

/** A parsed domain, and the data set when one was named (its points inside the box can be sampled). */
export interface CliDomain {
  box: Box;
  data?: Dataset;
}

function num(s: string, what: string): number {
  const v = Number(s);
  if (s.trim() === "" || !Number.isFinite(v)) fail("BAD_ARGUMENT", `${what}: '${s}' is not a number`);
  return v;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    return fail("IO_ERROR", `cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file });
  }
}

/** Bounds from a JSON file: {"lower": [...], "upper": [...]} or [[lo, hi], ...]. */
function boxFromJson(file: string): Box {
  let v: unknown;
  try { v = JSON.parse(readText(file, "the box file")); } catch (e) {
    if (isNetsizeError(e)) throw e;
    fail("BAD_DATA", `not JSON: ${(e as Error).message}; give {"lower": [...], "upper": [...]} or [[lo, hi], ...]`, { file });
  }
  const nums = (a: unknown, w: string): Float64Array => {
    if (!Array.isArray(a) || a.some((x) => typeof x !== "number")) fail("BAD_DATA", `${w} must be an array of numbers`, { file });
    return Float64Array.from(a as number[]);
  };
  if (Array.isArray(v)) {
    const pairs = v as unknown[];
    if (pairs.some((p) => !Array.isArray(p) || p.length !== 2)) fail("BAD_DATA", "each entry must be a pair [lo, hi]", { file });
    return makeBox(nums(pairs.map((p) => (p as number[])[0]), "lower bounds"), nums(pairs.map((p) => (p as number[])[1]), "upper bounds"), path.basename(file));
  }
  const o = v as { lower?: unknown; upper?: unknown };
  return makeBox(nums(o?.lower, "'lower'"), nums(o?.upper, "'upper'"), path.basename(file));
}

/** Bounds from a CSV file: one line 'lo,hi' per input (a header line is skipped). */
function boxFromCsv(file: string): Box {
  const lines = readText(file, "the box file").split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  if (lines.length > 0 && !/^[-+.\d]/.test(lines[0]!)) lines.shift();
  const lo: number[] = [], hi: number[] = [];
  lines.forEach((l, i) => {
    const cells = l.split(/[,;\s]+/);
    if (cells.length !== 2) fail("BAD_DATA", `line ${i + 1}: expected 'lo,hi', got '${l}'`, { file });
    lo.push(num(cells[0]!, `${path.basename(file)} line ${i + 1}`)); hi.push(num(cells[1]!, `${path.basename(file)} line ${i + 1}`));
  });
  return makeBox(Float64Array.from(lo), Float64Array.from(hi), path.basename(file));
}

/** The input box of a VNN-LIB property file. */
export function boxFromVnnlib(file: string): Box {
  const prop = parseVnnlib(readText(file, "the VNN-LIB property"), file);
  return { ...prop.box, source: path.basename(file) };
}

/**
 * Parse a --box spec for n inputs: 'lo:hi' for every input, 'lo1:hi1,lo2:hi2,...' per input (a lone
 * number v fixes that input), or a file: .json ({lower, upper} or [[lo,hi],...]), .csv (lo,hi per line), .vnnlib.
 */
export function parseBoxSpec(spec: string, n: number): Box {
  const lower = spec.toLowerCase();
  let box: Box;
  if (lower.endsWith(".vnnlib")) box = boxFromVnnlib(spec);
  else if (lower.endsWith(".json")) box = boxFromJson(spec);
  else if (lower.endsWith(".csv") || lower.endsWith(".txt")) box = boxFromCsv(spec);
  else {
    const parts = spec.split(",");
    const pairs = parts.map((p) => {
      const ends = p.split(":");
      if (ends.length === 1) { const v = num(ends[0]!, `--box '${spec}'`); return [v, v] as const; }
      if (ends.length !== 2) fail("BAD_ARGUMENT", `--box '${spec}': '${p}' must be 'lo:hi' or a number`);
      return [num(ends[0]!, `--box '${spec}'`), num(ends[1]!, `--box '${spec}'`)] as const;
    });
    if (pairs.length === 1) return uniformBox(n, pairs[0]![0], pairs[0]![1], `--box ${spec}`);
    box = makeBox(Float64Array.from(pairs, (p) => p[0]), Float64Array.from(pairs, (p) => p[1]), `--box ${spec}`);
  }
  if (box.lower.length !== n) fail("DOMAIN_MISMATCH", `the box '${spec}' has ${box.lower.length} inputs, the network has ${n}; give one interval per input or 'lo:hi' for all`);
  return box;
}

/** The domain named by a command's options for a network with n inputs; exactly one of --box, --vnnlib, --ball. */
export function domainFromOptions(opts: DomainCliOptions, n: number): CliDomain {
  const given = [opts.box, opts.vnnlib, opts.ball].filter((v) => v !== undefined).length;
  if (given !== 1) fail("BAD_ARGUMENT", "give exactly one domain: --box SPEC, --vnnlib FILE, or --ball EPS --data D --index I");
  const data = opts.data !== undefined ? loadDataset(opts.data) : undefined;
  if (data && data.x.length / data.n !== n) fail("DOMAIN_MISMATCH", `data '${opts.data}' has ${data.x.length / data.n} features per point, the network has ${n} inputs`);
  if (opts.ball === undefined) {
    if (opts.index !== undefined) fail("BAD_ARGUMENT", "--index goes with --ball EPS --data D");
    const box = opts.box !== undefined ? parseBoxSpec(opts.box, n) : boxFromVnnlib(opts.vnnlib!);
    if (box.lower.length !== n) fail("DOMAIN_MISMATCH", `the property '${opts.vnnlib}' has ${box.lower.length} inputs, the network has ${n}`);
    return { box, ...(data ? { data } : {}) };
  }
  const eps = num(opts.ball, "--ball");
  if (eps < 0) fail("BAD_ARGUMENT", `--ball must be >= 0, got ${eps}`);
  if (!data) fail("BAD_ARGUMENT", "--ball EPS needs --data D (e.g. mnist) and --index I: the centre of the ball");
  if (opts.index === undefined) fail("BAD_ARGUMENT", "--ball EPS needs --index I: which data point is the centre");
  const i = Number(opts.index);
  if (!Number.isInteger(i) || i < 0 || i >= data.n) fail("BAD_ARGUMENT", `--index must be an integer in 0..${data.n - 1}, got '${opts.index}'`);
  let clip: [number, number] | undefined;
  if (opts.clip !== undefined) {
    const [a, b] = opts.clip.split(":");
    if (a === undefined || b === undefined) fail("BAD_ARGUMENT", `--clip must be 'lo:hi', got '${opts.clip}'`);
    clip = [num(a, "--clip"), num(b, "--clip")];
  } else if (data.name.startsWith("mnist")) clip = [0, 1];
  const box = linfBall(sample(data, i), eps, clip, `ball eps=${eps} around ${opts.data}[${i}]${clip ? ` clipped to [${clip[0]}, ${clip[1]}]` : ""}`);
  return { box, data };
}
