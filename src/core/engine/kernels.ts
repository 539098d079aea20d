import { activations, pieceIndex } from "../activations.js";
import { Conv2dOp, DenseOp, Layer, PadOp, PoolOp, ScaleOp, Shape } from "../network.js";

/**
 * y = W x + b for one sample. Four rows at a time, each with its own sum, so each output is still
 * bias + Σ_i w_i·x_i added in input order (the same bits as one row at a time) while the four
 * independent chains hide the add latency and share each x_i load.
 */
export function denseForward(op: DenseOp, x: Float64Array, y: Float64Array): void {
  const { inSize, outSize, weight, bias } = op;
  let o0 = 0;
  for (; o0 + 4 <= outSize; o0 += 4) {
    const r0 = o0 * inSize, r1 = r0 + inSize, r2 = r1 + inSize, r3 = r2 + inSize;
    let s0 = bias[o0]!, s1 = bias[o0 + 1]!, s2 = bias[o0 + 2]!, s3 = bias[o0 + 3]!;
    for (let i = 0; i < inSize; i++) {
      const xi = x[i]!;
      s0 += weight[r0 + i]! * xi; s1 += weight[r1 + i]! * xi; s2 += weight[r2 + i]! * xi; s3 += weight[r3 + i]! * xi;
    }
    y[o0] = s0; y[o0 + 1] = s1; y[o0 + 2] = s2; y[o0 + 3] = s3;
  }
  for (let o = o0; o < outSize; o++) {
    let s = bias[o]!;
    const row = o * inSize;
    for (let i = 0; i < inSize; i++) s += weight[row + i]! * x[i]!;
    y[o] = s;
  }
}

/**
 * 2-D convolution for one C×H×W sample (zero padding). Loops run kernel tap by kernel tap over the
 * output rows and columns each tap reaches, so the inner loop has no bounds checks.
 */
export function conv2dForward(op: Conv2dOp, inShape: Shape, outShape: Shape, x: Float64Array, y: Float64Array): void {
  const [C, H, W] = inShape as [number, number, number];
  const [O, OH, OW] = outShape as [number, number, number];
  const [kh, kw] = op.kernel, [sh, sw] = op.stride, [dh, dw] = op.dilation;
  const pt = op.pads[0], pl = op.pads[1];
  const plane = OH * OW;
  // Output rows/cols a tap (ky or kx) reaches inside the input: first and one-past-last.
  const rows = (k: number, d: number, p: number, s: number, n: number, out: number): [number, number] => {
    const off = k * d - p;
    const lo = Math.max(0, Math.ceil(-off / s));
    const hi = Math.min(out, Math.floor((n - 1 - off) / s) + 1);
    return [lo, Math.max(lo, hi)];
  };
  for (let o = 0; o < O; o++) {
    const yo = o * plane;
    y.fill(op.bias[o]!, yo, yo + plane);
    for (let c = 0; c < C; c++) {
      const xBase = c * H * W;
      for (let ky = 0; ky < kh; ky++) {
        const [oy0, oy1] = rows(ky, dh, pt, sh, H, OH);
        for (let kx = 0; kx < kw; kx++) {
          const w = op.weight[((o * C + c) * kh + ky) * kw + kx]!;
          if (w === 0) continue;
          const [ox0, ox1] = rows(kx, dw, pl, sw, W, OW);
          const colOff = kx * dw - pl;
          for (let oy = oy0; oy < oy1; oy++) {
            const xRow = xBase + (oy * sh + ky * dh - pt) * W + colOff;
            const yRow = yo + oy * OW;
            for (let ox = ox0; ox < ox1; ox++) y[yRow + ox] += w * x[xRow + ox * sw]!;
          }
        }
      }
    }
  }
}

/** Element-wise affine for one sample. */
export function scaleForward(op: ScaleOp, inShape: Shape, x: Float64Array, y: Float64Array): void {
  const per = op.perChannel ? x.length / (inShape[0] ?? 1) : 1;
  for (let i = 0; i < x.length; i++) {
    const c = op.perChannel ? Math.floor(i / per) : i;
    y[i] = x[i]! * op.scale[c]! + op.shift[c]!;
  }
}

/** Constant spatial padding for one sample. */
export function padForward(op: PadOp, inShape: Shape, outShape: Shape, x: Float64Array, y: Float64Array): void {
  const [C, H, W] = inShape as [number, number, number];
  const [, OH, OW] = outShape as [number, number, number];
  y.fill(op.value);
  for (let c = 0; c < C; c++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++) y[(c * OH + i + op.pads[0]) * OW + j + op.pads[1]] = x[(c * H + i) * W + j]!;
}

/**
 * Max or average pooling for one sample. For max pooling, `argmax` (if given) receives the
 * window-local index (ky·kw + kx) of the winner; ties go to the first in scan order.
 */
export function poolForward(op: PoolOp, inShape: Shape, outShape: Shape, x: Float64Array, y: Float64Array, argmax?: Uint8Array): void {
  const [C, H, W] = inShape as [number, number, number];
  const [, OH, OW] = outShape as [number, number, number];
  const [kh, kw] = op.kernel, [sh, sw] = op.stride;
  const pt = op.pads[0], pl = op.pads[1];
  const isMax = op.kind === "maxpool";
  for (let c = 0; c < C; c++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        let best = -Infinity, bestK = 0, sum = 0, count = 0;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - pt + ky;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - pl + kx;
            const inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
            if (!inside) {
              if (op.countIncludePad) count++;
              continue;
            }
            const v = x[(c * H + iy) * W + ix]!;
            count++;
            sum += v;
            if (v > best) { best = v; bestK = ky * kw + kx; }
          }
        }
        const o = (c * OH + oy) * OW + ox;
        if (isMax) {
          y[o] = best;
          if (argmax) argmax[o] = bestK;
        } else y[o] = sum / count;
      }
    }
  }
}

/** Apply an activation layer element-wise; `pattern` (if given) receives each unit's piece index. */
export function activationForward(layer: Layer & { kind: "activation" }, x: Float64Array, y: Float64Array, pattern?: Uint8Array): void {
  const f = activations[layer.fn];
  if (layer.fn === "relu") {
    for (let i = 0; i < x.length; i++) {
      const z = x[i]!;
      y[i] = z > 0 ? z : 0;
      if (pattern) pattern[i] = +(z > 0);
    }
    return;
  }
  for (let i = 0; i < x.length; i++) {
    y[i] = f.output(x[i]!, layer);
    if (pattern) pattern[i] = pieceIndex(layer.fn, x[i]!, layer);
  }
}
