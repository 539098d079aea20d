// The input domain of a command, from its options: --box (bounds for every input, per input, or a
// JSON/CSV/VNN-LIB file), --vnnlib FILE (the property's input box) or --ball EPS around a data point
// (--data D --index I), clipped to the pixel range for image data. Reusable by every command.
import { existsSync } from "node:fs";
import { Box, linfBall } from "../core/domain.js";
import { boxFromVnnlibText, parseBoxSpec as parseBoxSpecWith, SpecFiles } from "../core/domain-spec.js";
import { fail } from "../core/errors.js";
import { Dataset, sample } from "../data/dataset.js";
import { DataCliOptions, loadData } from "./data-options.js";
import { readTextFile } from "../node/files.js";

/** The domain options a command accepts. */
export interface DomainCliOptions extends DataCliOptions {
  box?: string;
  vnnlib?: string;
  ball?: string;
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

/**
 * Box specs' files, read from disk (regular files of at most MAX_TEXT_BYTES, see readTextFile). Any
 * existing path counts as a file, so a FIFO or folder named as a spec is refused by name, not parsed as numbers.
 */
export const NODE_SPEC_FILES: SpecFiles = { readText: readTextFile, exists: (f) => existsSync(f) };

/** The input box of a VNN-LIB property file. */
export function boxFromVnnlib(file: string): Box {
  return boxFromVnnlibText(readTextFile(file, "the VNN-LIB property"), file);
}

/** Parse a --box spec for n inputs with core's one parser (see parseBoxSpec in core/domain-spec.ts), reading files from disk. */
export function parseBoxSpec(spec: string, n: number): Box {
  return parseBoxSpecWith(spec, n, NODE_SPEC_FILES);
}

/** The domain named by a command's options for a network with n inputs; exactly one of --box, --vnnlib, --ball. */
export function domainFromOptions(opts: DomainCliOptions, n: number): CliDomain {
  const given = [opts.box, opts.vnnlib, opts.ball].filter((v) => v !== undefined).length;
  if (given !== 1) fail("BAD_ARGUMENT", "give exactly one domain: --box SPEC, --vnnlib FILE, or --ball EPS --data D --index I");
  const data = opts.data !== undefined ? loadData(opts) : undefined;
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
