// The explorer's exact partitions off the page's thread: the network arrives once (netsize JSON), then
// each request names a plane and a window; the answer carries the partition's typed arrays (moved,
// not copied) and the slice lens's summary, or the error's message. Pan and zoom stay responsive
// while a slice of tens of thousands of regions is computed.
import { networkFromJson, type Network } from "../../index.js";
import { exactFrame } from "./exact.js";

export interface SliceRequest { id: number; origin: Float64Array; basis: [Float64Array, Float64Array]; window: [number, number, number, number] }

let net: Network | undefined;
const scope = self as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown, transfer?: Transferable[]): void };

scope.onmessage = (e: MessageEvent) => {
  const m = e.data as { json: string } | SliceRequest;
  if ("json" in m) { net = networkFromJson(m.json); return; }
  try {
    if (!net) throw new Error("no network yet");
    const f = exactFrame(net, { origin: m.origin, basis: m.basis, anchors: [] }, m.window);
    const P = f.picture.partition;
    const transfer: Transferable[] = [P.verts.buffer, P.cellOff.buffer, P.cellLen.buffer, P.outMap.buffer, f.picture.predicted.buffer, f.picture.boundary.buffer,
      ...P.patterns.map((p) => p.buffer), ...P.ancestor.map((a) => a.buffer)].filter((b, i, all) => all.indexOf(b) === i) as Transferable[];
    scope.postMessage({ id: m.id, frame: f }, transfer);
  } catch (err) {
    scope.postMessage({ id: m.id, error: (err as Error).message, code: (err as { code?: string }).code });
  }
};
