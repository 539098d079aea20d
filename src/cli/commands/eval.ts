// `netsize eval MODEL --data mnist`: classification accuracy with the batched onnxruntime engine.
import { DESCRIPTIONS } from "./descriptions.js";
import path from "node:path";
import { Command } from "commander";
import { action } from "../errors.js";
import { runLens } from "../run-lens.js";
import { withProgress } from "../progress.js";
import { emitResult, fmtInt, lensDefault, parseChoice, parseFloatBits, parseIntOption, parseNumberOption } from "../shared.js";
import { fail } from "../../core/errors.js";
import { evalLens } from "../../lenses/registry.js";
import { CommandFiles, OutputStage } from "../outputs.js";
import { addDataOptions, DataCliOptions, dataInputs, loadData } from "../data-options.js";
import { encodeNpy } from "../../data/npy.js";

interface EvalCliOptions extends DataCliOptions {
  data: string;
  split?: string;
  float?: string;
  threshold?: string;
  outputs?: string;
  chunk?: string;
  json?: string | boolean;
  quiet?: boolean;
}

/** The data spec eval reads: "mnist" plus --split becomes "mnist:<split>"; --split with other data is an error. */
export function dataSpec(data: string, split: string | undefined): string {
  const s = parseChoice(split, "--split", ["all", "train", "test"] as const);
  const isMnist = data.toLowerCase() === "mnist" || data.toLowerCase().startsWith("mnist:");
  if (s !== undefined && !isMnist) fail("BAD_ARGUMENT", "--split applies to --data mnist; a CSV/NPY file is evaluated whole");
  if (s !== undefined && data.includes(":") && data.toLowerCase() !== `mnist:${s}`) fail("BAD_ARGUMENT", `--data ${data} and --split ${s} disagree; give one`);
  return isMnist && !data.includes(":") ? `mnist:${s ?? "all"}` : data;
}

/** Register `netsize eval MODEL [--data mnist|FILE] [--split all|train|test] [--json [file]]`. */
export function register(program: Command): void {
  const cmd = program
    .command("eval")
    .description(DESCRIPTIONS.eval)
    .argument("<model>", "ONNX or netsize JSON model");
  addDataOptions(cmd, "labelled data to classify", "mnist")
    .option("--split <part>", "mnist part: all (default, 10,000 digits), train (8,000) or test (2,000)")
    .option("--float <bits>", evalLens.options.float.description, lensDefault(evalLens.options.float))
    .option("--threshold <t>", evalLens.options.threshold.description)
    .option("--outputs <file.npy>", "write every sample's outputs (probabilities when the model ends in Softmax/Sigmoid) as a float64 [n, outputs] NPY file")
    .option("--chunk <n>", evalLens.options.chunkSize.description)
    .option("--json [file]", "write the result JSON (schema netsize.eval/1, per-class counts and confusion matrix) to a file, or stdout without one")
    .option("--quiet", "no progress bar")
    .action(
      action(async (model: string, opts: EvalCliOptions) => {
        const spec = dataSpec(opts.data, opts.split);
        const float = parseFloatBits(opts.float);
        const chunk = parseIntOption(opts.chunk, "--chunk", { min: 1 });
        const threshold = opts.threshold !== undefined ? parseNumberOption(opts.threshold, "--threshold") : undefined;
        if (opts.outputs !== undefined && !/\.npy$/i.test(opts.outputs)) fail("BAD_ARGUMENT", `--outputs ${opts.outputs}: the outputs are written as NPY; name the file *.npy`);
        const files = new CommandFiles(
          [{ option: "model", file: model }, ...dataInputs(opts)],
          [{ option: "--json", file: opts.json }, { option: "--outputs", file: opts.outputs }],
        );
        const net = await files.loadNetwork(model);
        const ds = loadData(opts, spec);
        const r = await withProgress("eval", { quiet: opts.quiet ?? false }, (onProgress) => runLens("eval", net, ds, {
          float, ...(chunk ? { chunkSize: chunk } : {}), ...(threshold !== undefined ? { threshold } : {}), ...(opts.outputs ? { outputs: true } : {}),
        }, { onProgress, engine: "onnxruntime" }));
        const stage = new OutputStage();
        if (opts.outputs) await stage.put(opts.outputs, encodeNpy(r.outputs!, [r.n, r.outputs!.length / Math.max(r.n, 1)]));
        const what = spec.startsWith("mnist:") ? `mnist ${spec.slice(6)} (${fmtInt(r.n)} digits)` : `${ds.name} (${fmtInt(r.n)} samples)`;
        const decision = r.decision ? `; class 1 when the ${r.decision.on === "probability" ? "probability (after the model's Sigmoid)" : "output"} > ${r.decision.threshold}` : r.outputTransform ? `; classes by the largest output (after the model's ${r.outputTransform})` : "";
        await emitResult({ json: opts.json, quiet: true, stage }, { ...r, model }, `accuracy ${r.accuracy.toFixed(4)} (${fmtInt(r.correct)} / ${fmtInt(r.n)}) of ${path.basename(model)} on ${what}, float${float}${decision}${opts.outputs ? `; outputs in ${opts.outputs}` : ""}\n`);
      }),
    );
}
