import { closeSync, openSync, readSync } from "node:fs";
import { fail } from "../core/errors.js";
import { Dataset } from "./dataset.js";
import { loadCsv } from "./csv.js";
import { isNpy, loadNpy } from "./npy.js";
import { loadMnist } from "./mnist.js";

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
  const head = new Uint8Array(6);
  let got = 0;
  try {
    const fd = openSync(file, "r");
    try { got = readSync(fd, head, 0, 6, 0); } finally { closeSync(fd); }
  } catch (e) {
    fail("BAD_DATA", `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; give "mnist", "mnist:test", "mnist:train" or a CSV/NPY file`, { file });
  }
  return isNpy(head.subarray(0, got));
}

/**
 * Resolve a data spec: "mnist" (all 10,000 digits), "mnist:test" / "mnist:train" / "mnist:all"
 * (the documented split), or a path to a CSV or NPY file (format sniffed from the first bytes).
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
