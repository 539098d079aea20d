// `netsize eval MODEL --data mnist`: classification accuracy with the batched onnxruntime engine.
import path from "node:path";
import { Command } from "commander";
import { action } from "../errors.js";
import { runLens } from "../run-lens.js";
import { withProgress } from "../progress.js";
import { emitResult, fmtInt, lensDefault, parseChoice, parseFloatBits, parseIntOption } from "../shared.js";
import { fail } from "../../core/errors.js";
import { evalLens } from "../../lenses/registry.js";
import { CommandFiles } from "../outputs.js";
import { loadDataset } from "../../node/data.js";

interface EvalCliOptions {
  data: string;
  split?: string;
  labelColumn?: string;
  labels?: string;
  float?: string;
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
  program
    .command("eval")
    .description("classification accuracy on mnist (all 10,000 digits by default) or a labelled CSV/NPY file")
    .argument("<model>", "ONNX or netsize JSON model")
    .option("--data <spec>", "mnist, mnist:train, mnist:test, or a CSV/NPY file", "mnist")
    .option("--split <part>", "mnist part: all (default, 10,000 digits), train (8,000) or test (2,000)")
    .option("--label-column <col>", "CSV: label column (0-based index, negative from the end, or header name); NPY: column index of a 2-D array")
    .option("--labels <file>", "NPY: a second .npy file with one label per sample")
    .option("--float <bits>", evalLens.options.float.description, lensDefault(evalLens.options.float))
    .option("--chunk <n>", evalLens.options.chunkSize.description)
    .option("--json [file]", "write the result JSON (schema netsize.eval/1, per-class counts and confusion matrix) to a file, or stdout without one")
    .option("--quiet", "no progress bar")
    .action(
      action(async (model: string, opts: EvalCliOptions) => {
        const spec = dataSpec(opts.data, opts.split);
        const float = parseFloatBits(opts.float);
        const chunk = parseIntOption(opts.chunk, "--chunk", { min: 1 });
        const files = new CommandFiles(
          [{ option: "model", file: model }, { option: "--data file", file: opts.data }, { option: "--labels file", file: opts.labels }],
          [{ option: "--json", file: opts.json }],
        );
        const net = await files.loadNetwork(model);
        const ds = loadDataset(spec, {
          ...(opts.labelColumn !== undefined ? { labelColumn: opts.labelColumn } : {}),
          ...(opts.labels !== undefined ? { labels: opts.labels } : {}),
        });
        const r = await withProgress("eval", { quiet: opts.quiet ?? false }, (onProgress) => runLens("eval", net, ds, { float, ...(chunk ? { chunkSize: chunk } : {}) }, { onProgress, engine: "onnxruntime" }));
        const what = spec.startsWith("mnist:") ? `mnist ${spec.slice(6)} (${fmtInt(r.n)} digits)` : `${ds.name} (${fmtInt(r.n)} samples)`;
        await emitResult({ json: opts.json, quiet: true }, { ...r, model }, `accuracy ${r.accuracy.toFixed(4)} (${fmtInt(r.correct)} / ${fmtInt(r.n)}) of ${path.basename(model)} on ${what}, float${float}\n`);
      }),
    );
}
