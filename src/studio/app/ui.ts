// Small DOM helpers shared by the studio's panels.
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

/** A labelled control row. */
export function row(label: string, control: HTMLElement): HTMLElement {
  return el("label", { class: "row" }, el("span", { text: label }), control);
}

export function select(id: string, options: readonly string[], value: string): HTMLSelectElement {
  const s = el("select", { id });
  for (const o of options) s.append(el("option", { value: o, text: o }));
  s.value = value;
  return s;
}

export function input(id: string, value: string | number, attrs: Record<string, string> = {}): HTMLInputElement {
  const i = el("input", { id, ...attrs });
  i.value = String(value);
  return i;
}

export function button(id: string, text: string, onClick: () => void, title = ""): HTMLButtonElement {
  const b = el("button", { id, text, ...(title ? { title } : {}) });
  b.addEventListener("click", onClick);
  return b;
}

/** Offer bytes or text as a download. */
export function download(name: string, data: Uint8Array | string, type: string): void {
  const blob = new Blob([typeof data === "string" ? data : data.slice().buffer], { type });
  const a = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

/** Format a count with thousands separators. */
export function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

/** Escape text for HTML (the report's escaping). */
export { esc } from "../../report/html.js";

/** The next animation frame (so the page paints between training bursts). */
export function nextFrame(): Promise<void> {
  return new Promise((r) => requestAnimationFrame(() => r()));
}
