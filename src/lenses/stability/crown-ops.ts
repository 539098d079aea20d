// Backward (transposed) linear maps of each op for CROWN: given coefficient rows A on a layer's output,
// produce the coefficients on its input and the constant they contribute. Rows are m independent
// linear functionals stored row-major (m × size); zero coefficients are skipped, so a row that starts
// as one unit of a conv net costs only its receptive field.
import { Conv2dOp, PadOp, PoolOp, ScaleOp, Shape } from "../../core/network.js";
import type { Offsets } from "./crown-dense.js";

export { denseBack } from "./crown-dense.js";
export type { Offsets } from "./crown-dense.js";

/** Conv2d transposed, by scattering each non-zero output coefficient over its receptive field. */
export function convBack(op: Conv2dOp, inShape: Shape, outShape: Shape, A: Float64Array, m: number, Ain: Float64Array, off: Offsets): void {
  const [C, H, W] = inShape as [number, number, number];
  const [O, OH, OW] = outShape as [number, number, number];
  const [kh, kw] = op.kernel, [sh, sw] = op.stride, [dh, dw] = op.dilation;
  const pt = op.pads[0], pl = op.pads[1];
  const outSize = O * OH * OW, inSize = C * H * W;
  for (let r = 0; r < m; r++) {
    const ar = r * outSize, ir = r * inSize;
    let d = 0, dm = 0;
    for (let o = 0; o < O; o++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          const a = A[ar + (o * OH + oy) * OW + ox]!;
          if (a === 0) continue;
          const t = a * op.bias[o]!;
          d += t; dm += Math.abs(t);
          for (let c = 0; c < C; c++) {
            const wBase = (o * C + c) * kh * kw, xBase = ir + c * H * W;
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy * sh - pt + ky * dh;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = ox * sw - pl + kx * dw;
                if (ix < 0 || ix >= W) continue;
                Ain[xBase + iy * W + ix] += a * op.weight[wBase + ky * kw + kx]!;
              }
            }
          }
        }
      }
    }
    off.d[r] += d; off.mag[r] += dm;
  }
}

/** Element-wise scale: Ain = A·scale, d += A·shift. */
export function scaleBack(op: ScaleOp, inShape: Shape, A: Float64Array, m: number, n: number, Ain: Float64Array, off: Offsets): void {
  const per = op.perChannel ? n / (inShape[0] ?? 1) : 1;
  for (let r = 0; r < m; r++) {
    let d = 0, dm = 0;
    for (let i = 0; i < n; i++) {
      const a = A[r * n + i]!;
      if (a === 0) continue;
      const k = op.perChannel ? Math.floor(i / per) : i;
      Ain[r * n + i] += a * op.scale[k]!;
      const t = a * op.shift[k]!;
      d += t; dm += Math.abs(t);
    }
    off.d[r] += d; off.mag[r] += dm;
  }
}

/** Constant padding: the interior passes through, padded cells contribute value·A to the constant. */
export function padBack(op: PadOp, inShape: Shape, outShape: Shape, A: Float64Array, m: number, Ain: Float64Array, off: Offsets): void {
  const [C, H, W] = inShape as [number, number, number];
  const [, OH, OW] = outShape as [number, number, number];
  const outSize = C * OH * OW, inSize = C * H * W;
  for (let r = 0; r < m; r++) {
    let total = 0, inner = 0;
    for (let k = 0; k < outSize; k++) total += A[r * outSize + k]!;
    for (let c = 0; c < C; c++)
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++) {
          const a = A[r * outSize + (c * OH + i + op.pads[0]) * OW + j + op.pads[1]]!;
          Ain[r * inSize + (c * H + i) * W + j] += a;
          inner += a;
        }
    const t = op.value * (total - inner);
    off.d[r] += t; off.mag[r] += Math.abs(t);
  }
}

/** Average pooling transposed: each output coefficient spreads evenly over its window. */
export function avgpoolBack(op: PoolOp, inShape: Shape, outShape: Shape, A: Float64Array, m: number, Ain: Float64Array): void {
  const [C, H, W] = inShape as [number, number, number];
  const [, OH, OW] = outShape as [number, number, number];
  const [kh, kw] = op.kernel, [sh, sw] = op.stride;
  const pt = op.pads[0], pl = op.pads[1];
  const outSize = C * OH * OW, inSize = C * H * W;
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < C; c++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          const a = A[r * outSize + (c * OH + oy) * OW + ox]!;
          if (a === 0) continue;
          let count = 0;
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++) {
              const iy = oy * sh - pt + ky, ix = ox * sw - pl + kx;
              if (iy >= 0 && iy < H && ix >= 0 && ix < W) count++;
              else if (op.countIncludePad) count++;
            }
          const v = a / count;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - pt + ky;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - pl + kx;
              if (ix < 0 || ix >= W) continue;
              Ain[r * inSize + (c * H + iy) * W + ix] += v;
            }
          }
        }
      }
    }
  }
}

/** Max pooling relaxed with the input bounds, per output: the input with the best lower bound, whether the window is exactly that input, and the window's max upper bound. */
export interface PoolRelaxation { best: Int32Array; exact: Uint8Array; maxU: Float64Array }

/**
 * A window whose best lower bound beats every other upper bound is exactly that input; otherwise
 * y >= x_j* (j* = argmax lower bound) and y <= max upper bound.
 */
export function poolRelaxation(op: PoolOp, inShape: Shape, outShape: Shape, inLower: Float64Array, inUpper: Float64Array): PoolRelaxation {
  const [C, H, W] = inShape as [number, number, number];
  const [, OH, OW] = outShape as [number, number, number];
  const [kh, kw] = op.kernel, [sh, sw] = op.stride;
  const pt = op.pads[0], pl = op.pads[1];
  const outSize = C * OH * OW;
  const best = new Int32Array(outSize), exact = new Uint8Array(outSize), maxU = new Float64Array(outSize);
  for (let c = 0; c < C; c++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++) {
        let bl = -Infinity, bi = -1, mu = -Infinity, mu2 = -Infinity;
        for (let ky = 0; ky < kh; ky++)
          for (let kx = 0; kx < kw; kx++) {
            const iy = oy * sh - pt + ky, ix = ox * sw - pl + kx;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            const k = (c * H + iy) * W + ix;
            // The first cell seeds the arg-max, so a window whose lower bounds are all −∞ (overflow) still has one.
            if (bi < 0 || inLower[k]! > bl) { bl = inLower[k]!; bi = k; }
            if (inUpper[k]! > mu) { mu2 = mu; mu = inUpper[k]!; } else if (inUpper[k]! > mu2) mu2 = inUpper[k]!;
          }
        const o = (c * OH + oy) * OW + ox;
        best[o] = bi; maxU[o] = mu;
        // Exact when the best lower bound is at least every other input's upper bound.
        const otherMax = inUpper[bi]! === mu ? mu2 : mu;
        exact[o] = bl >= otherMax ? 1 : 0;
      }
  return { best, exact, maxU };
}

/**
 * Max pooling's backward step through poolRelaxation. `lowerSide` picks the bound this pass is
 * building (lower bound of the functional, or upper).
 */
export function maxpoolBack(
  op: PoolOp, inShape: Shape, outShape: Shape, A: Float64Array, m: number, Ain: Float64Array, off: Offsets,
  inLower: Float64Array, inUpper: Float64Array, lowerSide: boolean,
): void {
  const [C, H, W] = inShape as [number, number, number];
  const [, OH, OW] = outShape as [number, number, number];
  const outSize = C * OH * OW, inSize = C * H * W;
  const { best, exact, maxU } = poolRelaxation(op, inShape, outShape, inLower, inUpper);
  for (let r = 0; r < m; r++) {
    for (let o = 0; o < outSize; o++) {
      const a = A[r * outSize + o]!;
      if (a === 0) continue;
      // Use y >= x_best when it bounds a·y from the side we build; the constant max-upper otherwise.
      const useLinear = exact[o] === 1 || (lowerSide ? a > 0 : a < 0);
      if (useLinear) Ain[r * inSize + best[o]!] += a;
      else { const t = a * maxU[o]!; off.d[r] += t; off.mag[r] += Math.abs(t); }
    }
  }
}
