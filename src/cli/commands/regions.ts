import { Command } from "commander";
import { action } from "../errors.js";
import { fail } from "../../core/errors.js";
import { runLine, runPlane } from "./regions-exact.js";
import { runBox, runSample } from "./regions-sampled.js";

/** Options shared by every regions mode (each mode's handler parses its own spec). */
export interface RegionsCliOptions {
  line?: string;
  plane?: string;
  box?: string;
  sample?: string;
  data?: string;
  halfWidth?: string;
  maxRegions?: string;
  maxDims?: string;
  radius?: string;
  count?: string;
  seed?: string;
  json?: string;
  svg?: string;
  png?: string;
  colorBy?: string;
  quiet?: boolean;
  verify?: boolean;
  planeMode?: string;
}

/** Register `netsize regions MODEL --line|--plane|--box|--sample ...`. */
export function register(program: Command): void {
  program
    .command("regions")
    .description("linear regions: exact on a line (--line) or 2-D slice (--plane) or low-dimensional box (--box); sampled patterns and local complexity in high dimension (--sample)")
    .argument("<model>", "ONNX or netsize JSON model")
    .option("--line <spec>", "segment or polyline: points as 'idx:I' (dataset index), comma lists of numbers, separated by ';' — or 'dir:POINT;DIRECTION'")
    .option("--plane <spec>", "plane through three points 'P0;P1;P2' (each 'idx:I' or numbers), or 'POINT;DIR1;DIR2' with --plane-mode dirs")
    .option("--box <spec>", "input box 'lo:hi' for every input, or per input 'lo1:hi1,lo2:hi2,...', or a VNN-LIB file")
    .option("--sample <spec>", "sampled patterns: 'data' (the --data set), 'box:lo:hi' uniform, or 'around:SIGMA' (Gaussian of std SIGMA around data points)")
    .option("--data <name>", "dataset for idx: points and sampling (mnist, or a CSV/NPY file)", "mnist")
    .option("--half-width <w>", "slice: half-width of the square domain in slice coordinates", "10")
    .option("--max-regions <n>", "stop with LIMIT_EXCEEDED after this many regions", "1000000")
    .option("--max-dims <n>", "box: refuse boxes with more free inputs than this (default 8; the count grows like units^d)")
    .option("--radius <r>", "local complexity radius (sampled mode)")
    .option("--count <n>", "number of samples (sampled mode)")
    .option("--seed <n>", "random seed", "0")
    .option("--json <file>", "write the JSON result here (default: stdout)")
    .option("--svg <file>", "write a picture (slice partition or line plot) as SVG")
    .option("--png <file>", "write the picture as PNG")
    .option("--color-by <what>", "slice colouring: class | slope", "class")
    .option("--quiet", "no progress bar")
    .option("--verify", "line/plane: confirm every region's pattern and output with the reference forward pass at an interior point")
    .option("--plane-mode <mode>", "plane: 'points' (P0;P1;P2, the default) or 'dirs' (POINT;DIR1;DIR2)")
    .action(
      action(async (model: string, opts: RegionsCliOptions) => {
        const modes = [opts.line, opts.plane, opts.box, opts.sample].filter((m) => m !== undefined).length;
        if (modes !== 1) fail("BAD_ARGUMENT", "give exactly one of --line, --plane, --box, --sample");
        if (opts.line !== undefined) return runLine(model, opts);
        if (opts.plane !== undefined) return runPlane(model, opts);
        if (opts.box !== undefined) return runBox(model, opts);
        return runSample(model, opts);
      }),
    );
}
