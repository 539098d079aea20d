// File names in messages, without node:path (core runs in the browser too).

/** The last component of a path ("a/b/model.onnx" → "model.onnx"), for either separator. */
export function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\"));
  return i >= 0 ? file.slice(i + 1) : file;
}

/** The extension of a file name, lower-cased, with its dot ("model.ONNX" → ".onnx"; none → ""). */
export function extName(file: string): string {
  const b = baseName(file);
  const i = b.lastIndexOf(".");
  return i > 0 ? b.slice(i).toLowerCase() : "";
}
