// Seeded synthetic data sets: 2-D classification toys (moons, circles, spiral, XOR, Gaussians) and
// the regression targets of the condensation experiments (Zhou et al. 2022).
import { fail } from "../core/errors.js";
import { Rng, createRng } from "../core/random.js";
import { Dataset } from "./dataset.js";

/** Parameters of a generator (n, seed, noise, …), numbers only. */
export type SyntheticParams = Record<string, number>;

/** One generator: its default parameters and how to draw n samples. */
export interface SyntheticGenerator {
  readonly description: string;
  readonly defaults: SyntheticParams;
  /** False for regression targets: they take no `flip` (label noise). */
  readonly labelled?: boolean;
  generate(p: SyntheticParams, rng: Rng): Dataset;
}

function classification(name: string, xs: number[][], labels: number[], rng: Rng): Dataset {
  // shuffle so that mini-batches mix classes
  const idx = Array.from({ length: labels.length }, (_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) { const j = rng.int(i + 1); [idx[i], idx[j]] = [idx[j]!, idx[i]!]; }
  const d = xs[0]?.length ?? 2;
  const x = new Float64Array(labels.length * d);
  const lab = new Int32Array(labels.length);
  idx.forEach((src, k) => { x.set(xs[src]!, k * d); lab[k] = labels[src]!; });
  return { name, n: labels.length, shape: [d], x, labels: lab };
}

function split(n: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, k) => Math.floor(n / parts) + (k < n % parts ? 1 : 0));
}

const moons: SyntheticGenerator = {
  description: "two interleaving half circles (scikit-learn's make_moons), Gaussian noise of std `noise`",
  defaults: { n: 400, noise: 0.1 },
  generate(p, rng) {
    const [a, b] = split(p.n!, 2) as [number, number];
    const xs: number[][] = [], labels: number[] = [];
    for (let i = 0; i < a; i++) { const t = (Math.PI * i) / Math.max(1, a - 1); xs.push([Math.cos(t), Math.sin(t)]); labels.push(0); }
    for (let i = 0; i < b; i++) { const t = (Math.PI * i) / Math.max(1, b - 1); xs.push([1 - Math.cos(t), 0.5 - Math.sin(t)]); labels.push(1); }
    for (const x of xs) { x[0] += p.noise! * rng.normal(); x[1] += p.noise! * rng.normal(); }
    return classification("moons", xs, labels, rng);
  },
};

const circles: SyntheticGenerator = {
  description: "a circle of radius 1 (class 0) around one of radius `factor` (class 1), Gaussian noise of std `noise`",
  defaults: { n: 400, noise: 0.05, factor: 0.5 },
  generate(p, rng) {
    const [a, b] = split(p.n!, 2) as [number, number];
    const xs: number[][] = [], labels: number[] = [];
    for (let i = 0; i < a; i++) { const t = (2 * Math.PI * i) / a; xs.push([Math.cos(t), Math.sin(t)]); labels.push(0); }
    for (let i = 0; i < b; i++) { const t = (2 * Math.PI * i) / b; xs.push([p.factor! * Math.cos(t), p.factor! * Math.sin(t)]); labels.push(1); }
    for (const x of xs) { x[0] += p.noise! * rng.normal(); x[1] += p.noise! * rng.normal(); }
    return classification("circles", xs, labels, rng);
  },
};

const spiral: SyntheticGenerator = {
  description: "`classes` interleaved spiral arms (TensorFlow Playground's spiral), radius up to 1, Gaussian noise of std `noise`",
  defaults: { n: 400, noise: 0.05, classes: 2, turns: 1.75 },
  generate(p, rng) {
    const k = Math.round(p.classes!);
    if (k < 2) fail("BAD_ARGUMENT", "spiral needs classes >= 2");
    const xs: number[][] = [], labels: number[] = [];
    split(p.n!, k).forEach((m, c) => {
      for (let i = 0; i < m; i++) {
        const r = i / m;
        const t = p.turns! * 2 * Math.PI * r + (2 * Math.PI * c) / k;
        xs.push([r * Math.sin(t) + p.noise! * rng.normal(), r * Math.cos(t) + p.noise! * rng.normal()]);
        labels.push(c);
      }
    });
    return classification("spiral", xs, labels, rng);
  },
};

const xor: SyntheticGenerator = {
  description: "points uniform in [−1, 1]², class 1 when x·y > 0 (the XOR quadrants), Gaussian noise of std `noise` added after labelling",
  defaults: { n: 400, noise: 0 },
  generate(p, rng) {
    const xs: number[][] = [], labels: number[] = [];
    for (let i = 0; i < p.n!; i++) {
      const a = 2 * rng.next() - 1, b = 2 * rng.next() - 1;
      labels.push(a * b > 0 ? 1 : 0);
      xs.push([a + p.noise! * rng.normal(), b + p.noise! * rng.normal()]);
    }
    return classification("xor", xs, labels, rng);
  },
};

const gaussians: SyntheticGenerator = {
  description: "`classes` isotropic Gaussian blobs of std `std`, centres evenly on a circle of radius `radius`",
  defaults: { n: 400, classes: 2, std: 0.5, radius: 1.5 },
  generate(p, rng) {
    const k = Math.round(p.classes!);
    if (k < 2) fail("BAD_ARGUMENT", "gaussians needs classes >= 2");
    const xs: number[][] = [], labels: number[] = [];
    split(p.n!, k).forEach((m, c) => {
      const cx = p.radius! * Math.cos((2 * Math.PI * c) / k), cy = p.radius! * Math.sin((2 * Math.PI * c) / k);
      for (let i = 0; i < m; i++) { xs.push([cx + p.std! * rng.normal(), cy + p.std! * rng.normal()]); labels.push(c); }
    });
    return classification("gaussians", xs, labels, rng);
  },
};

const sine1d: SyntheticGenerator = {
  labelled: false,
  description: "the condensation paper's 1-D target sin(3x) + sin(6x)/2 on [−1, 1.5]; grid=1 spaces x evenly, grid=0 draws it uniformly",
  defaults: { n: 40, grid: 1 },
  generate(p, rng) {
    const n = p.n!;
    const x = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = p.grid ? -1 + (2.5 * i) / Math.max(1, n - 1) : -1 + 2.5 * rng.next();
      x[i] = t;
      y[i] = Math.sin(3 * t) + Math.sin(6 * t) / 2;
    }
    return { name: "sine1d", n, shape: [1], x, y, targetSize: 1 };
  },
};

const sine5d: SyntheticGenerator = {
  labelled: false,
  description: "the condensation paper's 5-D target Σ_k 3.5·sin(5x_k + 1) with x_k ~ U[−4, 2]",
  defaults: { n: 80 },
  generate(p, rng) {
    const n = p.n!;
    const x = new Float64Array(n * 5), y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < 5; k++) { const t = -4 + 6 * rng.next(); x[i * 5 + k] = t; s += 3.5 * Math.sin(5 * t + 1); }
      y[i] = s;
    }
    return { name: "sine5d", n, shape: [5], x, y, targetSize: 1 };
  },
};

/** The registry of synthetic generators, a plain map by name. */
export const SYNTHETIC: Record<string, SyntheticGenerator> = { moons, circles, spiral, xor, gaussians, sine1d, sine5d };

/** True when a data spec names a synthetic generator ("moons" or "moons:n=500,noise=0.2"). */
export function isSyntheticSpec(spec: string): boolean {
  return Object.prototype.hasOwnProperty.call(SYNTHETIC, spec.split(":")[0]!.toLowerCase());
}

/** Split a spec "name:key=value,..." into the generator name and its parameters (defaults filled in; seed default 0). */
export function parseSyntheticSpec(spec: string): { name: string; params: SyntheticParams } {
  const [head, rest] = [spec.split(":")[0]!.toLowerCase(), spec.slice(spec.indexOf(":") + 1)];
  const gen = SYNTHETIC[head];
  if (!gen) fail("BAD_ARGUMENT", `unknown synthetic data set '${head}'; use one of ${Object.keys(SYNTHETIC).join(", ")}`);
  const params: SyntheticParams = { seed: 0, ...gen.defaults };
  if (spec.includes(":") && rest.trim() !== "") {
    for (const kv of rest.split(",")) {
      const [k, v] = kv.split("=").map((s) => s.trim());
      const flip = k === "flip" && gen.labelled !== false;
      if (!k || v === undefined || !Number.isFinite(Number(v)) || !(k in params || flip)) {
        fail("BAD_ARGUMENT", `bad parameter '${kv}' for ${head}; it takes ${Object.keys(params).join(", ")}${gen.labelled !== false ? ", flip" : ""} (numbers)`);
      }
      params[k] = Number(v);
    }
  }
  checkSyntheticSize(head, params);
  return { name: head, params };
}

/** The largest synthetic set: 1,000,000 samples (these are toys; a larger set belongs in an NPY file), 1,000 classes. */
export const SYNTHETIC_LIMITS = { maxSamples: 1_000_000, maxClasses: 1_000 } as const;

/** BAD_ARGUMENT for a sample count or class count that is not a positive integer or is over SYNTHETIC_LIMITS (checked before anything is generated). */
function checkSyntheticSize(name: string, p: SyntheticParams): void {
  if (!Number.isInteger(p.n) || p.n! < 1 || p.n! > SYNTHETIC_LIMITS.maxSamples) {
    fail("BAD_ARGUMENT", `${name}: n must be an integer in 1..${SYNTHETIC_LIMITS.maxSamples.toLocaleString("en-US")} (SYNTHETIC_LIMITS.maxSamples), got ${p.n}; for more samples save them as an NPY file`);
  }
  if (p.classes !== undefined && !(Math.round(p.classes) >= 1 && Math.round(p.classes) <= SYNTHETIC_LIMITS.maxClasses)) {
    fail("BAD_ARGUMENT", `${name}: classes must be in 1..${SYNTHETIC_LIMITS.maxClasses} (SYNTHETIC_LIMITS.maxClasses), got ${p.classes}`);
  }
}

/** Generate a synthetic data set from a spec; the same spec always gives the same data. */
export function syntheticDataset(spec: string, overrides: SyntheticParams = {}): Dataset {
  const { name, params } = parseSyntheticSpec(spec);
  const p = { ...params, ...overrides };
  checkSyntheticSize(name, p);
  if (p.flip !== undefined && !(p.flip >= 0 && p.flip <= 1)) fail("BAD_ARGUMENT", `${name}: flip (the fraction of labels flipped) must be in 0..1, got ${p.flip}`);
  const ds = SYNTHETIC[name]!.generate(p, createRng(p.seed!));
  if (p.flip && ds.labels) flipLabels(ds.labels, p.flip, createRng((p.seed! ^ 0x5f1a) >>> 0));
  return { ...ds, name: spec };
}

/**
 * Label noise: each label is replaced, with probability `rate`, by another class drawn uniformly
 * (from its own seeded stream, so the points are those of the clean set).
 */
function flipLabels(labels: Int32Array, rate: number, rng: Rng): void {
  let k = 0;
  for (const c of labels) k = Math.max(k, c + 1);
  if (k < 2) return;
  for (let i = 0; i < labels.length; i++) {
    if (rng.next() < rate) labels[i] = (labels[i]! + 1 + rng.int(k - 1)) % k;
  }
}
