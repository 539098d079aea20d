import { describe, expect, it } from "vitest";
import { forwardBatchReference } from "../../src/core/engine/reference.js";
import { loadNetwork } from "../../src/node/files.js";
import { inputSize, Network } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import { sample } from "../../src/data/dataset.js";
import { firstOfClass, loadMnistAll } from "../../src/node/data.js";
import { planeThrough } from "../../src/lenses/regions/anchors.js";
import { lineRegions } from "../../src/lenses/regions/line.js";
import { sliceRegions } from "../../src/lenses/regions/slice.js";
import { HAVE_SHARED, model, PL_MODELS } from "../helpers/shared.js";
import { gridPatterns, gridPatternsDense, sliceNetwork } from "./exact-helpers.js";

/**
 * Per model: the slice's half-width (small enough to keep the reference checks of every region
 * quick) and the side of the oracle grid (the grid costs side² forward passes; the 1024² case is
 * in slice.test.ts and bench/regions.ts).
 */
const SLICE: Record<string, { half: number; grid: number }> = {
  "vnncomp2021/mnist-net_256x2.onnx": { half: 1, grid: 64 },
  "vnncomp2021/mnist-net_256x4.onnx": { half: 0.25, grid: 40 },
  "vnncomp2021/mnist-net_256x6.onnx": { half: 0.25, grid: 32 },
  "vnncomp2021/mnist_relu_9_200.onnx": { half: 0.1, grid: 32 },
  "vnncomp2021/ACASXU_run2a_1_1_batch_2000.onnx": { half: 0.3, grid: 100 },
  "vnncomp2021/ACASXU_run2a_2_1_batch_2000.onnx": { half: 0.2, grid: 100 },
  "vnncomp2021/ACASXU_run2a_3_3_batch_2000.onnx": { half: 0.2, grid: 100 },
  "vnncomp2021/resnet_2b.onnx": { half: 0.05, grid: 8 },
  "vnncomp2021/Convnet_avgpool.onnx": { half: 0.02, grid: 16 },
  // The benchmark's slice, full size.
  "exactcompression/mnist_100-100_l1-0.onnx": { half: 10, grid: 128 },
  "exactcompression/mnist_200-200_l1-0.onnx": { half: 0.5, grid: 80 },
  "exactcompression/cifar10_400-400_l1-1.75e-4_after-compression.onnx": { half: 2, grid: 80 },
  "exactcompression/cifar100_400-400_l1-7.5e-5_after-compression.onnx": { half: 1, grid: 50 },
};

/** Three anchors: the first digits of classes 0, 1, 2 for MNIST-shaped inputs, seeded uniform [0, 1] points otherwise (CIFAR-shaped, ACAS Xu). */
function anchors(net: Network): Float64Array[] {
  const d = inputSize(net);
  if (d === 784) {
    const ds = loadMnistAll();
    return [0, 1, 2].map((c) => Float64Array.from(sample(ds, firstOfClass(c))));
  }
  const rng = createRng(1);
  return [0, 1, 2].map(() => Float64Array.from({ length: d }, () => rng.next()));
}

const isMlp = (net: Network): boolean => net.layers.every((l) => l.kind === "dense" || l.kind === "activation" || l.kind === "flatten" || l.kind === "reshape");

describe.skipIf(!HAVE_SHARED)("exact regions on the shared piecewise-linear models", () => {
  for (const rel of PL_MODELS) {
    it(`${rel}: the slice through three inputs and the line through two are exact`, async () => {
      const net = await loadNetwork(model(rel));
      const d = inputSize(net);
      if (d === 1) {
        // One input: the whole line (these networks' breakpoints lie well inside [−100, 100]).
        const r = lineRegions(net, { point: [0], direction: [1], range: [-100, 100] }, { verify: true });
        expect(r.verification!.mismatches).toBe(0);
        expect(r.verification!.maxOutputError).toBeLessThan(1e-9);
        expect(r.pieces).toBe(r.knots.length + 1);
        return;
      }
      const p = anchors(net);
      const cfg = SLICE[rel]!;
      const plane = planeThrough(p[0]!, p[1]!, p[2]!);
      const s = sliceRegions(net, plane, { halfWidth: cfg.half, verify: true });
      expect(s.verification!.mismatches).toBe(0);
      expect(s.verification!.checked).toBe(s.count);
      expect(s.verification!.maxOutputError).toBeLessThan(1e-9);
      const area = 4 * cfg.half * cfg.half;
      expect(Math.abs(s.areaSum - area)).toBeLessThan(1e-9 * area);
      expect(new Set(s.regions!.map((r) => r.pattern)).size).toBe(s.count);
      const net2 = sliceNetwork(net, plane);
      const grid = isMlp(net) ? gridPatternsDense(net2, cfg.half, cfg.grid) : gridPatterns(net2, cfg.half, cfg.grid);
      expect(s.count).toBeGreaterThanOrEqual(grid);

      // The segment p0 → p1 (for the conv nets, whose reference pass is slow and whose lines cross
      // thousands of regions, its first 2%), checked at every interval's midpoint and against random points.
      const mlpNet = isMlp(net);
      const path = { point: p[0]!, direction: Float64Array.from(p[1]!, (x, i) => x - p[0]![i]!), range: [0, mlpNet ? 1 : 0.02] as [number, number] };
      const l = lineRegions(net, path, { verify: true });
      expect(l.verification!.mismatches).toBe(0);
      expect(l.verification!.maxOutputError).toBeLessThan(1e-9);
      const n = mlpNet ? 2000 : 100;
      const rng = createRng(2);
      const X = new Float64Array(n * d);
      for (let q = 0; q < n; q++) {
        const t = path.range[1] * rng.next();
        for (let i = 0; i < d; i++) X[q * d + i] = p[0]![i]! + t * path.direction[i]!;
      }
      const b = forwardBatchReference(net, X, n);
      const sizes = b.unitLayers.map((u) => net.layers[u]!.shape.reduce((a, c) => a * c, 1));
      const seen = new Set<string>();
      for (let q = 0; q < n; q++) seen.add(b.patterns.map((pt, k) => pt.subarray(q * sizes[k]!, (q + 1) * sizes[k]!).join("")).join("|"));
      expect(l.count).toBeGreaterThanOrEqual(seen.size);
    });
  }
});
