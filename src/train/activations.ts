// The training-side activation registry: each activation as TensorFlow.js ops, with its
// multiplicity computed from the float64 function of the core registry (same names, same formulas).
import { ActivationName, ActivationParams, activations, isActivationName } from "../core/activations.js";
import { fail } from "../core/errors.js";
import { tf } from "./tf.js";
import { Multiplicity, multiplicityOf } from "../core/weights/multiplicity.js";

/** One trainable activation: its TensorFlow.js form and the core (float64) function it must match. */
export interface TrainActivation {
  readonly name: ActivationName;
  /** Element-wise activation on a tensor (differentiable by tfjs autodiff). */
  apply(x: tf.Tensor, p: ActivationParams): tf.Tensor;
  /** The multiplicity at 0, computed on first use (see multiplicityOf). */
  readonly multiplicity: Multiplicity;
}

const xTanh = (x: tf.Tensor): tf.Tensor => tf.mul(x, tf.tanh(x));

const forms: Record<ActivationName, (x: tf.Tensor, p: ActivationParams) => tf.Tensor> = {
  relu: (x) => tf.relu(x),
  leakyrelu: (x, p) => tf.leakyRelu(x, p.alpha ?? 0.01),
  abs: (x) => tf.abs(x),
  hardtanh: (x, p) => tf.clipByValue(x, p.min ?? -1, p.max ?? 1),
  identity: (x) => x,
  tanh: (x) => tf.tanh(x),
  sigmoid: (x) => tf.sigmoid(x),
  softplus: (x) => tf.softplus(x),
  xtanh: xTanh,
  x2tanh: (x) => tf.mul(x, xTanh(x)),
  gelu: (x) => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)),
  silu: (x) => tf.mul(x, tf.sigmoid(x)),
  mish: (x) => tf.mul(x, tf.tanh(tf.softplus(x))),
  elu: (x, p) => ((p.alpha ?? 1) === 1 ? tf.elu(x) : tf.where(tf.greater(x, 0), x, tf.mul(tf.expm1(x), p.alpha ?? 1))),
  hardswish: (x) => tf.div(tf.mul(x, tf.relu6(tf.add(x, 3))), 6),
  softsign: (x) => tf.div(x, tf.add(tf.abs(x), 1)),
  logsigmoid: (x) => tf.logSigmoid(x),
};

const cache = new Map<ActivationName, Multiplicity>();

function entry(name: ActivationName): TrainActivation {
  return {
    name,
    apply: forms[name],
    get multiplicity(): Multiplicity {
      let m = cache.get(name);
      if (!m) {
        const f = activations[name];
        m = multiplicityOf((x) => f.output(x, {}));
        cache.set(name, m);
      }
      return m;
    },
  };
}

/** The registry, a plain map keyed by the core activation names (so snapshots evaluate in the reference engine). */
export const trainActivations: Record<ActivationName, TrainActivation> = Object.fromEntries(
  (Object.keys(forms) as ActivationName[]).map((n) => [n, entry(n)]),
) as Record<ActivationName, TrainActivation>;

/** Look an activation up by name, failing with BAD_ARGUMENT and the list of names. */
export function trainActivation(name: string): TrainActivation {
  if (!isActivationName(name)) {
    fail("BAD_ARGUMENT", `unknown activation '${name}'; use one of ${Object.keys(forms).join(", ")}`);
  }
  return trainActivations[name];
}
