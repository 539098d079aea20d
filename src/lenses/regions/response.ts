/**
 * Sparse linear responses: how the maps of a generation's stored layers change when one unit of the
 * unit layer that opens the segment changes its post-activation by 1 (in one channel). The segment's
 * layers are affine, so a decision "unit i is on" adds dz·response(i) to every stored map; a conv
 * spreads a unit over a small patch, a dense layer over a column, so the splitter can carry the
 * segment's maps down its tree at the cost of a few updates per decision.
 */
import { Layer, Network, PoolOp, sizeOf } from "../../core/network.js";

interface Sparse {
  acc: Float64Array;
  idx: Int32Array;
  mark: Uint8Array;
  n: number;
}

function sparse(n: number): Sparse {
  return { acc: new Float64Array(n), idx: new Int32Array(n), mark: new Uint8Array(n), n: 0 };
}

function add(s: Sparse, i: number, v: number): void {
  if (s.mark[i] === 0) { s.mark[i] = 1; s.idx[s.n++] = i; }
  s.acc[i]! += v;
}

function clear(s: Sparse): void {
  for (let q = 0; q < s.n; q++) { const i = s.idx[q]!; s.acc[i] = 0; s.mark[i] = 0; }
  s.n = 0;
}

/** Divisor of every average-pool output (cells inside the input, plus padding when counted). */
function poolCounts(layer: Layer & PoolOp, inShape: readonly number[]): Float64Array {
  const [C, H, W] = inShape as [number, number, number];
  const [, OH, OW] = layer.shape as [number, number, number];
  const out = new Float64Array(C * OH * OW);
  for (let c = 0; c < C; c++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++) {
        let n = 0;
        for (let ky = 0; ky < layer.kernel[0]; ky++)
          for (let kx = 0; kx < layer.kernel[1]; kx++) {
            const iy = oy * layer.stride[0] - layer.pads[0] + ky, ix = ox * layer.stride[1] - layer.pads[1] + kx;
            if ((iy >= 0 && iy < H && ix >= 0 && ix < W) || layer.countIncludePad) n++;
          }
        out[(c * OH + oy) * OW + ox] = n;
      }
  return out;
}

/** Responses of a segment's target layers to single units of the unit layer that opens it. */
export class SegmentResponse {
  private readonly vec = new Map<number, Sparse>();
  private readonly counts = new Map<number, Float64Array>();
  private readonly one: Sparse;

  /**
   * @param unit the unit layer opening the segment; @param layers the segment's other layers, in order;
   * @param targets the layers whose responses are reported (a subset of `layers`).
   */
  constructor(private readonly net: Network, private readonly unit: number, private readonly layers: number[], private readonly targets: number[]) {
    this.one = sparse(sizeOf(net.layers[unit]!.shape));
    for (const j of layers) {
      const l = net.layers[j]!;
      this.vec.set(j, sparse(sizeOf(l.shape)));
      if (l.kind === "avgpool") this.counts.set(j, poolCounts(l, this.inShape(j)));
    }
  }

  private inShape(j: number): readonly number[] {
    const l = this.net.layers[j]!;
    return l.inputs[0] === -1 ? this.net.inputShape : this.net.layers[l.inputs[0]!]!.shape;
  }

  private input(i: number): Sparse | undefined {
    if (i === this.unit) return this.one;
    const s = this.vec.get(i);
    return s && s.n > 0 ? s : undefined;
  }

  /** Call emit(t, index, value) for every nonzero of target t's response to unit i (value per unit change). */
  run(i: number, emit: (t: number, index: number, value: number) => void): void {
    add(this.one, i, 1);
    for (const j of this.layers) {
      const l = this.net.layers[j]!;
      const out = this.vec.get(j)!;
      const x = this.input(l.inputs[0]!);
      if (l.kind === "add") {
        const y = this.input(l.inputs[1]!);
        for (const s of [x, y]) if (s) for (let q = 0; q < s.n; q++) add(out, s.idx[q]!, s.acc[s.idx[q]!]!);
        continue;
      }
      if (!x) continue;
      this.apply(j, l, x, out);
    }
    this.targets.forEach((j, t) => {
      const s = this.vec.get(j)!;
      for (let q = 0; q < s.n; q++) { const e = s.idx[q]!, v = s.acc[e]!; if (v !== 0) emit(t, e, v); }
    });
    clear(this.one);
    for (const s of this.vec.values()) clear(s);
  }

  private apply(j: number, l: Layer, x: Sparse, out: Sparse): void {
    switch (l.kind) {
      case "dense":
        for (let q = 0; q < x.n; q++) {
          const e = x.idx[q]!, v = x.acc[e]!;
          for (let o = 0; o < l.outSize; o++) add(out, o, l.weight[o * l.inSize + e]! * v);
        }
        return;
      case "conv2d": {
        const [C, H, W] = this.inShape(j) as [number, number, number];
        const [O, OH, OW] = l.shape as [number, number, number];
        const [kh, kw] = l.kernel, [sh, sw] = l.stride, [dh, dw] = l.dilation;
        for (let q = 0; q < x.n; q++) {
          const e = x.idx[q]!, v = x.acc[e]!;
          const ci = Math.floor(e / (H * W)), iy = Math.floor((e % (H * W)) / W), ix = e % W;
          for (let ky = 0; ky < kh; ky++) {
            const ty = iy + l.pads[0] - ky * dh;
            if (ty < 0 || ty % sh !== 0 || ty / sh >= OH) continue;
            for (let kx = 0; kx < kw; kx++) {
              const tx = ix + l.pads[1] - kx * dw;
              if (tx < 0 || tx % sw !== 0 || tx / sw >= OW) continue;
              const ob = (ty / sh) * OW + tx / sw;
              for (let o = 0; o < O; o++) add(out, o * OH * OW + ob, l.weight[((o * C + ci) * kh + ky) * kw + kx]! * v);
            }
          }
        }
        return;
      }
      case "scale": {
        const n = sizeOf(l.shape), per = l.perChannel ? n / (l.shape[0] ?? 1) : 1;
        for (let q = 0; q < x.n; q++) { const e = x.idx[q]!; add(out, e, x.acc[e]! * l.scale[l.perChannel ? Math.floor(e / per) : e]!); }
        return;
      }
      case "pad": {
        const [, H, W] = this.inShape(j) as [number, number, number];
        const [, OH, OW] = l.shape as [number, number, number];
        for (let q = 0; q < x.n; q++) {
          const e = x.idx[q]!, c = Math.floor(e / (H * W)), iy = Math.floor((e % (H * W)) / W), ix = e % W;
          add(out, (c * OH + iy + l.pads[0]) * OW + ix + l.pads[1], x.acc[e]!);
        }
        return;
      }
      case "avgpool": {
        const [, H, W] = this.inShape(j) as [number, number, number];
        const [, OH, OW] = l.shape as [number, number, number];
        const cnt = this.counts.get(j)!;
        for (let q = 0; q < x.n; q++) {
          const e = x.idx[q]!, v = x.acc[e]!;
          const c = Math.floor(e / (H * W)), iy = Math.floor((e % (H * W)) / W), ix = e % W;
          for (let ky = 0; ky < l.kernel[0]; ky++) {
            const ty = iy + l.pads[0] - ky;
            if (ty < 0 || ty % l.stride[0] !== 0 || ty / l.stride[0] >= OH) continue;
            for (let kx = 0; kx < l.kernel[1]; kx++) {
              const tx = ix + l.pads[1] - kx;
              if (tx < 0 || tx % l.stride[1] !== 0 || tx / l.stride[1] >= OW) continue;
              const o = (c * OH + ty / l.stride[0]) * OW + tx / l.stride[1];
              add(out, o, v / cnt[o]!);
            }
          }
        }
        return;
      }
      case "flatten": case "reshape": case "activation":
        // Identity only: other activations open their own segment.
        for (let q = 0; q < x.n; q++) add(out, x.idx[q]!, x.acc[x.idx[q]!]!);
        return;
      default:
        throw new Error(`no linear response through ${l.kind}`);
    }
  }
}
