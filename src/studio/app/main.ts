// The studio page: tabs over the playground, the model explorer and the other lenses. What the server
// was started with (a model, a run folder, data) is in ./session.json.
import { tf } from "../../train/browser.js";
import { Playground } from "./playground.js";
import { el } from "./ui.js";
import { loadSession } from "./session.js";

async function main(): Promise<void> {
  await tf.setBackend("cpu");
  await tf.ready();
  tf.enableProdMode();
  const s = await loadSession();
  const tabs = document.getElementById("tabs")!, main = document.getElementById("main")!;
  const panes: Record<string, HTMLElement> = {};
  const show = (name: string): void => {
    for (const [k, p] of Object.entries(panes)) p.classList.toggle("active", k === name);
    for (const b of tabs.querySelectorAll("button")) b.classList.toggle("active", b.dataset.tab === name);
  };
  const tab = (name: string, label: string): HTMLElement => {
    const pane = el("div", { class: "tab", id: `tab-${name}` });
    panes[name] = pane;
    main.append(pane);
    const b = el("button", { text: label, "data-tab": name, id: `tab-button-${name}` });
    b.addEventListener("click", () => show(name));
    tabs.append(b);
    return pane;
  };
  const pg = new Playground(tab("playground", "Playground, exact"), location.hash);
  const studio: Record<string, unknown> = { playground: pg, session: s };
  (window as unknown as { studio: unknown }).studio = studio;
  const { Explorer } = await import("./explore.js");
  const ex = new Explorer(tab("model", "Model"), s);
  studio.explorer = ex;
  const { LensPanel } = await import("./lenses.js");
  studio.lenses = new LensPanel(tab("lenses", "Other lenses"), s, ex);
  show(s.model || s.run ? "model" : "playground");
  document.getElementById("status")!.textContent = s.run ? `run ${s.run.name}` : s.model ? `model ${s.model.name}` : "no model given: the playground";
  await pg.ready;
  document.body.dataset.ready = "1";
}

void main();
