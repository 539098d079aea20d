// Resolving a run's data specs into train and test sets and checking they fit the architecture.
import { fail } from "../core/errors.js";
import { Dataset } from "../data/dataset.js";
import { loadDataset } from "../node/data.js";
import { loadMnist } from "../node/data.js";
import { isSyntheticSpec, parseSyntheticSpec, syntheticDataset } from "../data/synthetic.js";
import { sizeOf } from "../core/network.js";
import { deriveSeed } from "./loop.js";

/** A run's data: train and optional test sets and the task they define. */
export interface TrainData {
  train: Dataset;
  test?: Dataset;
  task: "classification" | "regression";
  /** Where each set came from, for config.json and reports. */
  description: { train: string; test?: string };
}

function load(spec: string, labelColumn: string | undefined): Dataset {
  if (isSyntheticSpec(spec)) return syntheticDataset(spec);
  return loadDataset(spec, labelColumn !== undefined ? { labelColumn } : {});
}

/**
 * Train and test sets for a data spec: "mnist" trains on the documented 8,000-digit split and tests
 * on the 2,000 held out; a synthetic spec tests on a fresh draw (another seed; uniform x for sine1d);
 * a file tests on --test-data when given.
 */
export function resolveTrainData(data: string, testData: string | undefined, labelColumn?: string): TrainData {
  let test: Dataset | undefined, testDesc: string | undefined;
  const mnist = data.toLowerCase() === "mnist";
  const train = mnist ? loadMnist("train") : load(data, labelColumn);
  if (testData !== undefined) {
    test = load(testData, labelColumn);
    testDesc = testData;
  } else if (mnist) {
    test = loadMnist("test");
    testDesc = "mnist:test (the 2,000 digits held out by the documented split)";
  } else if (isSyntheticSpec(data)) {
    const { params } = parseSyntheticSpec(data);
    const over = { seed: deriveSeed(params.seed!, 7), ...("grid" in params ? { grid: 0 } : {}) };
    test = syntheticDataset(data, over);
    testDesc = `${data} redrawn with seed ${over.seed}${"grid" in params ? " and uniform x" : ""}`;
  }
  const task = train.labels ? "classification" : train.y ? "regression" : fail("BAD_DATA", `${data} has neither labels nor targets; give --label-column for a CSV/NPY file`);
  if (test && (sizeOf(test.shape) !== sizeOf(train.shape) || (task === "classification" ? !test.labels : !test.y))) {
    fail("BAD_DATA", `the test set ${testDesc} does not match the training set (${sizeOf(test.shape)} vs ${sizeOf(train.shape)} features, or no ${task === "classification" ? "labels" : "targets"})`);
  }
  return { train, ...(test ? { test } : {}), task, description: { train: train.name, ...(testDesc ? { test: testDesc } : {}) } };
}

/** Check a data set fits an architecture: feature count equals the input size, labels/targets fit the output. */
export function checkDataFits(d: TrainData, inputSize: number, outputSize: number): void {
  for (const [which, ds] of [["training", d.train], ["test", d.test]] as const) {
    if (!ds) continue;
    const f = sizeOf(ds.shape);
    if (f !== inputSize) fail("SHAPE_MISMATCH", `the ${which} data has ${f} features per sample; the architecture takes ${inputSize}`);
    if (ds.labels) {
      let max = 0, min = 0;
      for (const l of ds.labels) { max = Math.max(max, l); min = Math.min(min, l); }
      if (min < 0 || max >= outputSize) fail("SHAPE_MISMATCH", `the ${which} labels run from ${min} to ${max}; the architecture has ${outputSize} outputs`);
    } else if (ds.y && (ds.targetSize ?? 1) !== outputSize) {
      fail("SHAPE_MISMATCH", `the ${which} targets have ${ds.targetSize} values per sample; the architecture has ${outputSize} outputs`);
    }
  }
}
