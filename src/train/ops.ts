// Dense and conv layers as TensorFlow.js ops with hand-written gradients. Why: the wasm backend's
// BatchMatMul is ~12× slower when asked for a transposed operand (the default MatMul gradient does
// exactly that for dW = xᵀ·dy and dx = dy·Wᵀ), and it has no Conv2DBackpropFilter kernel at all.
// Transposing explicitly, then multiplying plain matrices, keeps every product on XNNPACK's fast path.
import { tf } from "./tf.js";

type Dense = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

function makeDense(inputGrad: boolean): Dense {
  return tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    save([x, w]);
    return {
      value: tf.fused.matMul({ a: x, b: w, bias: b }),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
        const dx = inputGrad ? tf.matMul(dy, tf.transpose(sw)) : tf.zerosLike(sx);
        return [dx, tf.matMul(tf.transpose(sx), dy), tf.sum(dy, 0)];
      },
    };
  }) as never) as unknown as Dense;
}

const denseWithInputGrad = makeDense(true);
const denseNoInputGrad = makeDense(false);

/** y = x·W + b for x [N, in], W [in, out]; `inputGrad` false skips dL/dx (the network input needs none). */
export function denseOp(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, inputGrad = true): tf.Tensor2D {
  return (inputGrad ? denseWithInputGrad : denseNoInputGrad)(x, w, b);
}

/** Geometry of a convolution: stride and explicit pads [top, left, bottom, right]. */
export interface ConvGeometry {
  stride: [number, number];
  pads: [number, number, number, number];
}

type Conv = (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D) => tf.Tensor4D;
const convCache = new Map<string, Conv>();

/**
 * The filter gradient dW[a,b,ci,co] = Σ_{n,i,j} xp[n, i·s+a, j·s+b, ci]·dy[n,i,j,co], computed as a
 * forward convolution: the padded input with batch and channels swapped ([Ci, H, W, N]) convolved
 * by dy as a filter ([OH, OW, N, Co]) with dilation = the stride, then cropped to the kernel.
 */
function filterGrad(xp: tf.Tensor4D, dy: tf.Tensor4D, kernel: [number, number], stride: [number, number]): tf.Tensor4D {
  const xT = tf.transpose(xp, [3, 1, 2, 0]);
  const f = tf.transpose(dy, [1, 2, 0, 3]);
  const g = tf.conv2d(xT as tf.Tensor4D, f as tf.Tensor4D, 1, "valid", "NHWC", stride);
  const cropped = g.shape[1] === kernel[0] && g.shape[2] === kernel[1] ? g : tf.slice(g, [0, 0, 0, 0], [-1, kernel[0], kernel[1], -1]);
  return tf.transpose(cropped, [1, 2, 0, 3]);
}

function makeConv(geo: ConvGeometry, inputGrad: boolean): Conv {
  const [t, l, bo, r] = geo.pads;
  const padded = t + l + bo + r > 0;
  return tf.customGrad(((x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const xp = padded ? tf.pad(x, [[0, 0], [t, bo], [l, r], [0, 0]]) : x;
    save([xp, w]);
    return {
      value: tf.add(tf.conv2d(xp, w, geo.stride, "valid"), b),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [sxp, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
        const kernel: [number, number] = [sw.shape[0], sw.shape[1]];
        let dx: tf.Tensor4D;
        if (inputGrad) {
          const dxp = tf.conv2dTranspose(dy, sw, sxp.shape, geo.stride, "valid");
          const [, h, wd] = sxp.shape;
          dx = padded ? tf.slice(dxp, [0, t, l, 0], [-1, h - t - bo, wd - l - r, -1]) : dxp;
        } else {
          const [n, h, wd, c] = sxp.shape;
          dx = tf.zeros([n, h - t - bo, wd - l - r, c]);
        }
        return [dx, filterGrad(sxp, dy, kernel, geo.stride), tf.sum(dy, [0, 1, 2])];
      },
    };
  }) as never) as unknown as Conv;
}

/** 2-D convolution (NHWC input, filter [kh, kw, in, out]) plus bias, with the hand-written gradients above. */
export function conv2dOp(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D, geo: ConvGeometry, inputGrad = true): tf.Tensor4D {
  const key = `${geo.stride.join(",")}|${geo.pads.join(",")}|${inputGrad}`;
  let f = convCache.get(key);
  if (!f) { f = makeConv(geo, inputGrad); convCache.set(key, f); }
  return f(x, w, b);
}
