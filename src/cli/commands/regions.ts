import { DESCRIPTIONS } from "./descriptions.js";
import { Command } from "commander";
import type { RegionsCliOptions } from "./regions-options.js";
import { action } from "../errors.js";
import { fail } from "../../core/errors.js";
import { boxRegionsLens, sliceLens } from "../../lenses/registry.js";
import { lensDefault } from "../shared.js";
import { CommandFiles, MAX_OUTPUT_BYTES } from "../outputs.js";
import { runLine, runPlane } from "./regions-exact.js";
import { runBox, runSample } from "./regions-sampled.js";
import { addDataOptions, dataInputs } from "../data-options.js";

/** Register `netsize regions MODEL --line|--plane|--box|--sample ...`. */
export function register(program: Command): void {
  const cmd = program
    .command("regions")
    .description(DESCRIPTIONS.regions)
    .argument("<model>", "ONNX or netsize JSON model")
    .option("--line <spec>", "segment or polyline: points as 'idx:I' (dataset index), comma lists of numbers, separated by ';' — or 'dir:POINT;DIRECTION'")
    .option("--plane <spec>", "plane through three points 'P0;P1;P2' (each 'idx:I' or numbers), or 'POINT;DIR1;DIR2' with --plane-mode dirs")
    .option("--box <spec>", "input box 'lo:hi' for every input, or per input 'lo1:hi1,lo2:hi2,...', or a VNN-LIB file")
    .option("--sample <spec>", "sampled patterns: 'data' (the --data set), 'box:lo:hi' uniform, or 'around:SIGMA' (Gaussian of std SIGMA around data points)")
    ;
  addDataOptions(cmd, "data for idx: points and sampling", "mnist")
    .option("--half-width <w>", `slice: ${sliceLens.options.halfWidth.description}`, lensDefault(sliceLens.options.halfWidth))
    .option("--max-regions <n>", "stop with LIMIT_EXCEEDED after this many regions", lensDefault(sliceLens.options.maxRegions))
    .option("--max-memory-mb <n>", `line/plane: the most MiB the partition and its region list may hold; more is LIMIT_EXCEEDED (default ${sliceLens.options.maxBytes.default! / 2 ** 20})`)
    .option("--no-patterns", "line/plane: leave each region's pattern string out of the JSON (less memory, a smaller file)")
    .option("--max-output-mb <n>", "the most MiB one output (the JSON, the SVG behind --svg/--png) may take; a larger one is LIMIT_EXCEEDED and nothing is written", String(MAX_OUTPUT_BYTES / 2 ** 20))
    .option("--max-dims <n>", `box: ${boxRegionsLens.options.maxDims.description} (default ${lensDefault(boxRegionsLens.options.maxDims)})`)
    .option("--radius <r>", "local complexity radius (sampled mode)")
    .option("--count <n>", "number of samples (sampled mode)")
    .option("--seed <n>", "random seed", lensDefault(boxRegionsLens.options.seed))
    .option("--json [file]", "write the JSON result to a file, or to stdout without one (default: a summary only)")
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
        const files = new CommandFiles(
          [{ option: "model", file: model }, ...dataInputs(opts), { option: "--box file", file: opts.box },
            { option: "--sample box file", file: opts.sample?.startsWith("box:") ? opts.sample.slice(4) : undefined }],
          [{ option: "--json", file: opts.json }, { option: "--svg", file: opts.svg }, { option: "--png", file: opts.png }],
        );
        if (opts.line !== undefined) return runLine(model, opts, files);
        if (opts.plane !== undefined) return runPlane(model, opts, files);
        if (opts.box !== undefined) return runBox(model, opts, files);
        return runSample(model, opts, files);
      }),
    );
}
