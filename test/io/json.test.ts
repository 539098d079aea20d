import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NETWORK_SCHEMA, networkFromJson, networkToJson } from "../../src/core/io/index.js";
import { createNetwork } from "../../src/core/network.js";
import { arbConvNet, arbMlp } from "./arbitraries.js";
import { convNet } from "./nets.js";

describe("netsize JSON (netsize.network/1)", () => {
  it("round trips any MLP and conv net bit for bit", () => {
    fc.assert(fc.property(arbMlp(), (net) => { expect(networkFromJson(networkToJson(net))).toStrictEqual(net); }), { numRuns: 60 });
    fc.assert(fc.property(arbConvNet(), (net) => { expect(networkFromJson(networkToJson(net))).toStrictEqual(net); }), { numRuns: 30 });
  });

  it("stores weights as base64 of little-endian float64, with the schema tag and readable structure", () => {
    const net = createNetwork([2], [{ kind: "dense", inSize: 2, outSize: 1, weight: Float64Array.of(1, -0), bias: Float64Array.of(0.1) }], { note: "x", list: "[1,2]" });
    const text = networkToJson(net);
    expect(text).toContain('"inputShape": [2],');
    const doc = JSON.parse(text);
    expect(doc.schema).toBe(NETWORK_SCHEMA);
    expect(doc.inputShape).toEqual([2]);
    expect(doc.layers[0]).toMatchObject({ kind: "dense", name: "dense_0", inputs: [-1], shape: [1], inSize: 2, outSize: 1 });
    const bytes = Buffer.from(doc.layers[0].weight.base64, "base64");
    expect(doc.layers[0].weight.dtype).toBe("float64");
    expect([...bytes]).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0x80]);
    expect(doc.meta).toEqual({ note: "x", list: "[1,2]" });
  });

  it("reads hand-written weights as plain arrays and keeps typed arrays inside meta", () => {
    const net = networkFromJson(JSON.stringify({
      schema: NETWORK_SCHEMA, inputShape: [2],
      layers: [{ kind: "dense", inSize: 2, outSize: 2, weight: [1, 2, 3, 4], bias: [0, 1] }, { kind: "activation", fn: "relu" }],
    }));
    expect(net.layers.map((l) => l.kind)).toEqual(["dense", "activation"]);
    expect(net.layers[0]).toMatchObject({ weight: Float64Array.of(1, 2, 3, 4), shape: [2] });
    const withMeta = createNetwork([1], [{ kind: "activation", fn: "abs" }], { anchors: Float64Array.of(0.1, 1 / 3) });
    expect(networkFromJson(networkToJson(withMeta))).toStrictEqual(withMeta);
    const conv = convNet(1);
    expect(networkFromJson(networkToJson(conv))).toStrictEqual(conv);
  });
});
