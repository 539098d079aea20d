// The one vega-lite → SVG path of the report layer: compile the spec and render it headless with vega
// (no renderer, no network, no font file). Every chart of netsize goes through here.
import * as vega from "vega";
import * as vl from "vega-lite";

/** Compile a vega-lite spec (netsize's font, frame and white background unless it sets its own) and render it to an SVG document. */
export async function vegaSvg(spec: Record<string, unknown>): Promise<string> {
  const full = { $schema: "https://vega.github.io/schema/vega-lite/v6.json", config: { font: "DejaVu Sans", view: { stroke: "#333" } }, background: "white", ...spec };
  const compiled = vl.compile(full as unknown as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
