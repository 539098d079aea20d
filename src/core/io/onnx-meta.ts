// The metadata netsize writes into its own ONNX files so that reading them back gives the same
// network: which ONNX nodes make up each layer (so they are not folded across layers), the layer
// names, the exact optional parameters, and the network's meta. The graph stays authoritative: a
// record that disagrees with it is ignored.
import onnxp from "onnx-proto";
import { LayerSpec } from "../network.js";
import { Ir } from "./ir.js";
import { parseExact } from "./json.js";

/** metadata_props key: JSON array of LayerRecord, one per layer, in node order. */
export const NETSIZE_LAYERS = "netsize.layers";
/** metadata_props key: JSON of the network's meta. */
export const NETSIZE_META = "netsize.meta";

/** One exported layer: its name, how many consecutive ONNX nodes it became, and its optional parameters as given. */
export interface LayerRecord {
  name: string;
  nodes: number;
  params?: Record<string, number | boolean>;
}

/** Parsed netsize metadata: the records, the layer index of each ONNX node, and the meta. */
export interface LayerRecords {
  layers: LayerRecord[];
  group: (number | undefined)[];
  meta?: Record<string, unknown>;
}

const OPTIONAL_KEYS = ["alpha", "min", "max", "countIncludePad"] as const;
const DEFAULTS: Record<string, Record<string, number | boolean>> = {
  leakyrelu: { alpha: 0.01 }, elu: { alpha: 1 }, hardtanh: { min: -1, max: 1 }, avgpool: { countIncludePad: false },
};

/** The optional parameters a layer spec sets explicitly (for the record). */
export function optionalParams(spec: LayerSpec): Record<string, number | boolean> | undefined {
  const out: Record<string, number | boolean> = {};
  for (const k of OPTIONAL_KEYS) {
    const v = (spec as unknown as Record<string, unknown>)[k];
    if (typeof v === "number" || typeof v === "boolean") out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Read the netsize records of a model, or undefined when absent or inconsistent with its nodes. */
export function readLayerRecords(model: onnxp.onnx.IModelProto, nodeCount: number): LayerRecords | undefined {
  const props = new Map((model.metadataProps ?? []).map((p) => [p.key ?? "", p.value ?? ""]));
  const text = props.get(NETSIZE_LAYERS);
  if (!text) return undefined;
  try {
    const layers = parseExact(text) as LayerRecord[];
    if (!Array.isArray(layers) || layers.some((l) => typeof l?.name !== "string" || !Number.isInteger(l.nodes) || l.nodes < 1)) return undefined;
    const group: (number | undefined)[] = [];
    layers.forEach((l, i) => { for (let k = 0; k < l.nodes; k++) group.push(i); });
    if (group.length > nodeCount) return undefined;
    while (group.length < nodeCount) group.push(undefined);
    const metaText = props.get(NETSIZE_META);
    const meta = metaText ? (parseExact(metaText) as Record<string, unknown>) : undefined;
    return { layers, group, ...(meta && typeof meta === "object" && !Array.isArray(meta) ? { meta } : {}) };
  } catch {
    return undefined;
  }
}

function effective(kind: string, params: Record<string, unknown>, key: string): unknown {
  return params[key] ?? DEFAULTS[kind]?.[key];
}

function agrees(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a === b || Math.abs(a - b) <= 1e-6 * (1 + Math.abs(b));
  return a === b;
}

/** Restore names and exact optional parameters from the records when each layer came from exactly its own nodes. */
export function applyLayerRecords(specs: LayerSpec[], ir: Ir, rec: LayerRecords): void {
  const live = ir.nodes.filter((n) => !n.dead);
  if (live.length !== specs.length || live.length !== rec.layers.length || live.some((n, i) => n.group !== i)) {
    rec.meta = undefined;
    return;
  }
  specs.forEach((spec, i) => {
    const r = rec.layers[i]!;
    spec.name = r.name;
    const kind = spec.kind === "activation" ? spec.fn : spec.kind;
    const s = spec as unknown as Record<string, unknown>;
    const given = r.params ?? {};
    const keys = OPTIONAL_KEYS.filter((k) => k in s || k in given);
    if (!keys.every((k) => agrees(effective(kind, s, k), effective(kind, given, k)))) return;
    for (const k of OPTIONAL_KEYS) delete s[k];
    Object.assign(s, given);
  });
}
