// Hcore-Init (Limnios et al. 2020, reconstructed): after a short pretraining, redraw the weights
// from the base initialisation and scale each neuron's outgoing weights by its hypercore number.
import { Rng } from "../core/random.js";
import { affineNodes } from "./arch.js";
import { TrainConfig } from "./config.js";
import { hypercoreNumbers, hypercoreScales, edgeMagnitudes, scaleInputs } from "../core/weights/hypercore.js";
import { initParams } from "./init/index.js";
import { TrainModel, assignParams, readParams } from "./model.js";

/** Per affine layer: the spread of its inputs' hypercore numbers and of the scales applied. */
export interface HypercoreSummary {
  pretrainEpochs: number;
  lambda: number;
  layers: { name: string; inputs: number; coreMin: number; coreMax: number; scaleMin: number; scaleMax: number }[];
}

/** Replace a pretrained model's parameters by a fresh base draw scaled per input by hypercore numbers of the pretrained weights. */
export function hypercoreReinit(model: TrainModel, cfg: TrainConfig, rng: Rng): HypercoreSummary {
  const trained = readParams(model);
  const fresh = initParams(model.arch, {
    scheme: cfg.init, gamma: cfg.initGamma, rewire: cfg.rewire, stabilize: cfg.stabilize,
    ...(cfg.biasStd !== undefined ? { biasStd: cfg.biasStd } : {}),
  }, rng);
  const layers: HypercoreSummary["layers"] = [];
  affineNodes(model.arch).forEach((node, i) => {
    const rows = node.kind === "dense" ? node.outSize : node.outChannels;
    const inputs = node.kind === "dense" ? node.inSize : node.inChannels;
    const area = node.kind === "dense" ? 1 : node.kernel[0] * node.kernel[1];
    const core = hypercoreNumbers(edgeMagnitudes(trained.affine[i]!.weight, rows, inputs, area), rows, inputs, { lambda: cfg.hypercoreLambda });
    const s = hypercoreScales(core);
    scaleInputs(fresh.affine[i]!.weight, rows, inputs, area, s);
    layers.push({
      name: node.name, inputs,
      coreMin: extreme(core, -1), coreMax: extreme(core, 1), scaleMin: extreme(s, -1), scaleMax: extreme(s, 1),
    });
  });
  assignParams(model, fresh);
  return { pretrainEpochs: cfg.hypercoreEpochs, lambda: cfg.hypercoreLambda, layers };
}

/** The largest (sign 1) or smallest (sign −1) entry, by a loop: spreading a wide layer's values into Math.max overflows the stack. */
function extreme(a: ArrayLike<number>, sign: 1 | -1): number {
  let m = -sign * Infinity;
  for (let i = 0; i < a.length; i++) if (sign * a[i]! > sign * m) m = a[i]!;
  return m;
}
