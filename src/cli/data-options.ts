// The one data option of every command: --data (mnist, mnist:train|test|all, a synthetic set such as
// 'moons:n=500,noise=0.2', or a CSV/NPY file), --label-column and --labels, with the same help text
// and the same loader everywhere.
import { Command } from "commander";
import { Dataset } from "../data/dataset.js";
import { SYNTHETIC } from "../data/synthetic.js";
import { loadDataset } from "../node/data.js";
import type { FileRef } from "./outputs.js";

/** The data options a command accepts. */
export interface DataCliOptions {
  data?: string;
  labelColumn?: string;
  labels?: string;
}

/** What --data accepts, for help texts. */
export const DATA_SPEC_HELP = `mnist (10,000 digits; mnist:train 8,000, mnist:test 2,000), a synthetic set (${Object.keys(SYNTHETIC).join(", ")}; e.g. 'moons:n=500,noise=0.2'; flip=0.15 flips 15 % of the labels), or a CSV/NPY file`;

/** Add --data, --label-column and --labels to a command; `use` says what the data is for. */
export function addDataOptions(cmd: Command, use: string, fallback?: string): Command {
  return cmd
    .option("--data <spec>", `${use}: ${DATA_SPEC_HELP}`, fallback)
    .option("--label-column <col>", "CSV: label column (0-based index, negative from the end, or header name); NPY: column index of a 2-D array")
    .option("--labels <file>", "NPY: a second .npy file with one label per sample");
}

/** The files the data options read (for CommandFiles / guardOutputs). */
export function dataInputs(opts: DataCliOptions): FileRef[] {
  return [{ option: "--data file", file: opts.data }, { option: "--labels file", file: opts.labels }];
}

/** Load the data set the options name (spec overrides opts.data, e.g. eval's --split). */
export function loadData(opts: DataCliOptions, spec = opts.data): Dataset {
  return loadDataset(spec ?? "mnist", {
    ...(opts.labelColumn !== undefined ? { labelColumn: opts.labelColumn } : {}),
    ...(opts.labels !== undefined ? { labels: opts.labels } : {}),
  });
}
