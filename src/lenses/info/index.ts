// The info lens's public face.
import { Lens } from "../../core/lens.js";
import { InfoInput, InfoResult, infoOf } from "./info.js";

export { infoOf } from "./info.js";
export type { InfoInput, InfoResult } from "./info.js";

/** info: layers, shapes, units, parameters and piecewise linearity. */
export const infoLens: Lens<InfoInput | undefined, Record<string, never>, InfoResult> = {
  name: "info",
  schema: "netsize.info/1",
  description: "layers, shapes, units, parameters and piecewise linearity of a network",
  options: {},
  run: async (net, input) => infoOf(net, input?.file ?? ""),
};
