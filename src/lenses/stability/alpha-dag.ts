// α-CROWN on any network CROWN handles (residual adds, convolutions, padding, average and max pooling):
// the backward pass of crown.ts with every free slope a parameter per bound (alpha-crown.ts optimises
// them), and the gradient from a forward pass of the line-replaced network at the concretising corner,
// one functional at a time through the reference kernels.
import { Box } from "../../core/domain.js";
import { conv2dForward, denseForward, padForward, poolForward, scaleForward } from "../../core/engine/kernels.js";
import { LensContext } from "../../core/lens.js";
import { Network, PoolOp, Shape, sizeOf } from "../../core/network.js";
import { LayerRelax, optimiseSlopes, relaxUnits, storeBest } from "./alpha-crown.js";
import { avgpoolBack, convBack, denseBack, maxpoolBack, Offsets, padBack, poolRelaxation, PoolRelaxation, scaleBack } from "./crown-ops.js";
import { Interval, NodeBounds, nodeInterval } from "./ibp.js";

const CHUNK_ENTRIES = 1_500_000;

function nodeSize(net: Network, j: number): number {
  return j === -1 ? sizeOf(net.inputShape) : sizeOf(net.layers[j]!.shape);
}

function shapeOf(net: Network, j: number): Shape {
  return j === -1 ? net.inputShape : net.layers[j]!.shape;
}

/**
 * α-CROWN bounds of node `target` at `rows`, relaxing every activation on `bounds` (the best interval
 * of every node so far), as crownNode; each row's two bounds optimised over `iterations` evaluations,
 * never looser than the first, CROWN's. Raw values with the magnitude of their terms.
 */
export function alphaCrownNode(net: Network, box: Box, bounds: NodeBounds, target: number, rows: Int32Array, iterations: number, ctx?: LensContext): Interval {
  const m = rows.length;
  const out: Interval = { lower: new Float64Array(m), upper: new Float64Array(m), mag: new Float64Array(m) };
  if (m === 0) return out;
  const relax: (LayerRelax | undefined)[] = [];
  let width = nodeSize(net, -1);
  for (let j = 0; j < target; j++) {
    const l = net.layers[j]!;
    relax.push(l.kind === "activation" && l.fn !== "identity" ? relaxUnits({ fn: l.fn, params: l }, nodeInterval(bounds, l.inputs[0]!)) : undefined);
    width += 4 * nodeSize(net, j);
  }
  width += nodeSize(net, target);
  const chunk = Math.max(1, Math.min(m, Math.floor(CHUNK_ENTRIES / (2 * width))));
  for (let s = 0; s < m; s += chunk) {
    const c = Math.min(chunk, m - s), q = 2 * c, part = rows.subarray(s, s + c);
    const pass = new DagPass(net, box, bounds, target, relax, part);
    const best = optimiseSlopes({ q, relax, evaluate: (a, v, g) => pass.evaluate(a, v, g), gradient: (a) => pass.gradient(a) }, Math.max(1, iterations), ctx);
    storeBest(best, c, out, s);
  }
  return out;
}


/** One chunk of 2c functionals (±e_row on the target): the backward pass with slopes, and the gradient of its last run. */
class DagPass {
  private readonly q: number;
  /** Coefficients on the output of every activation and max-pool layer, from the last evaluation. */
  private readonly post = new Map<number, Float64Array>();
  private xstar: Uint8Array;
  private readonly pools = new Map<number, PoolRelaxation>();
  private readonly lastFree: number;

  constructor(
    private readonly net: Network, private readonly box: Box, private readonly bounds: NodeBounds, private readonly target: number,
    private readonly relax: readonly (LayerRelax | undefined)[], private readonly rows: Int32Array,
  ) {
    this.q = 2 * rows.length;
    this.xstar = new Uint8Array(this.q * nodeSize(net, -1));
    this.lastFree = relax.reduce((acc, r, j) => (r && r.freeCount > 0 ? j : acc), -1);
  }

  evaluate(alpha: readonly (Float64Array | undefined)[], value: Float64Array, mag: Float64Array): void {
    const { net, q, rows, target } = this, c = rows.length;
    const pending = new Map<number, Float64Array>();
    const n0 = nodeSize(net, target);
    const start = new Float64Array(q * n0);
    for (let r = 0; r < c; r++) { start[r * n0 + rows[r]!] = 1; start[(c + r) * n0 + rows[r]!] = -1; }
    pending.set(target, start);
    const off: Offsets = { d: new Float64Array(q), mag: new Float64Array(q) };
    const into = (j: number): Float64Array => {
      let a = pending.get(j);
      if (!a) { a = new Float64Array(q * nodeSize(net, j)); pending.set(j, a); }
      return a;
    };
    for (let j = target; j >= 0; j--) {
      const A = pending.get(j);
      if (!A) continue;
      pending.delete(j);
      const layer = net.layers[j]!, src = layer.inputs[0]!, inShape = shapeOf(net, src), n = sizeOf(layer.shape);
      switch (layer.kind) {
        case "flatten":
        case "reshape": { const t = into(src); for (let i = 0; i < A.length; i++) t[i] += A[i]!; break; }
        case "add": for (const s of layer.inputs) { const t = into(s); for (let i = 0; i < A.length; i++) t[i] += A[i]!; } break;
        case "dense": denseBack(layer, A, q, into(src), off); break;
        case "conv2d": convBack(layer, inShape, layer.shape, A, q, into(src), off); break;
        case "scale": scaleBack(layer, inShape, A, q, n, into(src), off); break;
        case "pad": padBack(layer, inShape, layer.shape, A, q, into(src), off); break;
        case "avgpool": avgpoolBack(layer, inShape, layer.shape, A, q, into(src)); break;
        case "maxpool": {
          const b = nodeInterval(this.bounds, src);
          this.post.set(j, A);
          // Every functional is a lower bound: the lower-side relaxation throughout.
          maxpoolBack(layer, inShape, layer.shape, A, q, into(src), off, b.lower, b.upper, true);
          break;
        }
        case "activation": {
          const t = into(src), r = this.relax[j];
          if (!r) { for (let i = 0; i < A.length; i++) t[i] += A[i]!; break; }
          this.post.set(j, A);
          const al = alpha[j];
          for (let f = 0; f < q; f++) {
            let s = 0, sm = 0;
            for (let i = 0; i < n; i++) {
              const e = f * n + i, a = A[e]!;
              if (a === 0) continue;
              const lower = a >= 0;
              let sl: number, tl: number;
              if (r.free[i] === (lower ? 1 : 2)) { sl = al![e]!; tl = 0; } else if (lower) { sl = r.lowS[i]!; tl = r.lowT[i]!; } else { sl = r.upS[i]!; tl = r.upT[i]!; }
              t[e] += a * sl;
              if (tl !== 0) { const v = a * tl; s += v; sm += Math.abs(v); }
            }
            off.d[f] += s; off.mag[f] += sm;
          }
          break;
        }
      }
    }
    const nIn = nodeSize(net, -1), A = pending.get(-1) ?? new Float64Array(q * nIn), box = this.box;
    for (let f = 0; f < q; f++) {
      let lo = off.d[f]!, ml = off.mag[f]!;
      for (let i = 0; i < nIn; i++) {
        const xl = box.lower[i]!, xu = box.upper[i]!, a = A[f * nIn + i]!;
        this.xstar[f * nIn + i] = a >= 0 ? 1 : 0;
        lo += a >= 0 ? a * xl : a * xu;
        ml += Math.abs(a) * Math.max(Math.abs(xl), Math.abs(xu));
      }
      value[f] = lo; mag[f] = ml;
    }
  }

  gradient(alpha: readonly (Float64Array | undefined)[]): (Float64Array | undefined)[] {
    const { net, q, box } = this, last = this.lastFree;
    const grads: (Float64Array | undefined)[] = this.relax.map((r) => (r && r.freeCount > 0 ? new Float64Array(q * r.free.length) : undefined));
    if (last < 0) return grads;
    const nIn = nodeSize(net, -1);
    const vals: Float64Array[] = [];
    for (let j = 0; j <= last; j++) vals.push(new Float64Array(nodeSize(net, j)));
    const x = new Float64Array(nIn);
    for (let f = 0; f < q; f++) {
      for (let i = 0; i < nIn; i++) x[i] = this.xstar[f * nIn + i] ? box.lower[i]! : box.upper[i]!;
      const valueOf = (j: number): Float64Array => (j === -1 ? x : vals[j]!);
      for (let j = 0; j <= last; j++) {
        const layer = net.layers[j]!, src = layer.inputs[0]!, xin = valueOf(src), y = vals[j]!, inShape = shapeOf(net, src);
        switch (layer.kind) {
          case "flatten":
          case "reshape": y.set(xin); break;
          case "add": { y.fill(0); for (const s of layer.inputs) { const v = valueOf(s); for (let i = 0; i < y.length; i++) y[i] += v[i]!; } break; }
          case "dense": denseForward(layer, xin, y); break;
          case "conv2d": conv2dForward(layer, inShape, layer.shape, xin, y); break;
          case "scale": scaleForward(layer, inShape, xin, y); break;
          case "pad": padForward(layer, inShape, layer.shape, xin, y); break;
          case "avgpool": poolForward(layer, inShape, layer.shape, xin, y); break;
          case "maxpool": {
            // The line the pass chose for this functional: the best-lower input where linear, else the max upper bound.
            let pr = this.pools.get(j);
            if (!pr) { const b = nodeInterval(this.bounds, src); pr = poolRelaxation(layer, inShape, layer.shape, b.lower, b.upper); this.pools.set(j, pr); }
            const P = this.post.get(j), n = y.length;
            for (let o = 0; o < n; o++) {
              const a = P ? P[f * n + o]! : 0;
              y[o] = pr.exact[o] === 1 || a >= 0 ? xin[pr.best[o]!]! : pr.maxU[o]!;
            }
            break;
          }
          case "activation": {
            const r = this.relax[j];
            if (!r) { y.set(xin); break; }
            const P = this.post.get(j), al = alpha[j], g = grads[j], n = y.length;
            for (let i = 0; i < n; i++) {
              const e = f * n + i, a = P ? P[e]! : 0, z = xin[i]!, lower = a >= 0;
              if (r.free[i] === (lower ? 1 : 2)) { y[i] = al![e]! * z; if (g) g[e] = a * z; } else y[i] = lower ? r.lowS[i]! * z + r.lowT[i]! : r.upS[i]! * z + r.upT[i]!;
            }
            break;
          }
        }
      }
    }
    return grads;
  }
}

/** For tests: the bound of each ±row functional on `target` and its gradient with slopes `alpha` (per layer, functionals × units); no `alpha`: the relaxations only. */
export function dagBoundGradientForTest(net: Network, box: Box, bounds: NodeBounds, target: number, rows: Int32Array, alpha: (Float64Array | undefined)[]): { value: Float64Array; grads: (Float64Array | undefined)[]; relax: (LayerRelax | undefined)[] } {
  const relax: (LayerRelax | undefined)[] = [];
  for (let j = 0; j < target; j++) {
    const l = net.layers[j]!;
    relax.push(l.kind === "activation" && l.fn !== "identity" ? relaxUnits({ fn: l.fn, params: l }, nodeInterval(bounds, l.inputs[0]!)) : undefined);
  }
  const q = 2 * rows.length, value = new Float64Array(q), mag = new Float64Array(q);
  if (alpha.length === 0) return { value, grads: [], relax };
  const pass = new DagPass(net, box, bounds, target, relax, rows);
  pass.evaluate(alpha, value, mag);
  return { value, grads: pass.gradient(alpha), relax };
}
