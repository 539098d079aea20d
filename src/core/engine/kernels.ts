import { activations, pieceIndex } from "../activations.js";
import { Conv2dOp, DenseOp, Layer, PadOp, PoolOp, ScaleOp, Shape } from "../network.js";

/** y = W x + b for one sample. */
export function denseForward(op: DenseOp, x: Float64Array, y: Float64Array): void {
  const { inSize, outSize, weight, bias } = op;
  for (let o = 0; o < outSize; o++) {
    let s = bias[o]!;
    const row = o * inSize;
    for (let i = 0; i < inSize; i++) s += weight[row + i]! * x[i]!;
    y[o] = s;
  }
}

/** 2-D convolution for one C×H×W sample (zero padding). */
export function conv2dForward(op: Conv2dOp, inShape: Shape, outShape: Shape, x: Float64Array, y: Float64Array): void {
  const [C, H, W] = inShape as [number, number, number];
  const [O, OH, OW] = outShape as [number, number, number];
  const [kh, kw] = op.kernel, [sh, sw] = op.stride, [dh, dw] = op.dilation;
  const pt = op.pads[0], pl = op.pads[1];
  for (let o = 0; o < O; o++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        let s = op.bias[o]!;
        for (let c = 0; c < C; c++) {
          const wBase = ((o * C + c) * kh) * kw;
          const xBase = c * H * W;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - pt + ky * dh;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - pl + kx * dw;
              if (ix < 0 || ix >= W) continue;
              s += op.weight[wBase + ky * kw + kx]! * x[xBase + iy * W + ix]!;
            }
          }
        }
        y[(o * OH + oy) * OW + ox] = s;
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
      if (pattern) pattern[i] = z > 0 ? 1 : 0;
    }
    return;
  }
  for (let i = 0; i < x.length; i++) {
    y[i] = f.output(x[i]!, layer);
    if (pattern) pattern[i] = pieceIndex(layer.fn, x[i]!, layer);
  }
}
