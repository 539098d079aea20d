import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** ../shared/models beside the repository (absent in some checkouts: tests that need it skip). */
export const MODELS = path.resolve(ROOT, "../shared/models");
/** True when the shared models are present. */
export const HAVE_SHARED = existsSync(MODELS);
if (!HAVE_SHARED) console.warn(`[netsize tests] ${MODELS} is absent: tests on the shared models are skipped`);

/** Path of a shared model, e.g. model("vnncomp2021/mnist-net_256x2.onnx"). */
export function model(rel: string): string {
  return path.join(MODELS, rel);
}

/** The shared piecewise-linear ONNX models, relative paths. */
export const PL_MODELS = [
  "vnncomp2021/mnist-net_256x2.onnx",
  "vnncomp2021/mnist-net_256x4.onnx",
  "vnncomp2021/mnist-net_256x6.onnx",
  "vnncomp2021/mnist_relu_9_200.onnx",
  "vnncomp2021/ACASXU_run2a_1_1_batch_2000.onnx",
  "vnncomp2021/ACASXU_run2a_2_1_batch_2000.onnx",
  "vnncomp2021/ACASXU_run2a_3_3_batch_2000.onnx",
  "vnncomp2021/resnet_2b.onnx",
  "vnncomp2021/Convnet_avgpool.onnx",
  "vnncomp2021/test_nano.onnx",
  "vnncomp2021/test_tiny.onnx",
  "vnncomp2021/test_small.onnx",
  "exactcompression/mnist_100-100_l1-0.onnx",
  "exactcompression/mnist_200-200_l1-0.onnx",
  "exactcompression/cifar10_400-400_l1-1.75e-4_after-compression.onnx",
  "exactcompression/cifar100_400-400_l1-7.5e-5_after-compression.onnx",
];

/** Every shared ONNX model (piecewise-linear ones plus the sigmoid MLP). */
export const ALL_MODELS = [...PL_MODELS, "vnncomp2021/ffnnSIGMOID__Point_6x200.onnx"];
