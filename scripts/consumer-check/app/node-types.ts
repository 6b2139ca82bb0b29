// Typechecked with nodenext only: the Node side of @reparam/onnx (its `node` condition).
import { readModel, writeModel, type ModelProto } from '@reparam/onnx';

export function roundTrip(path: string, out: string): number {
  const model: ModelProto = readModel(path);
  return writeModel(out, model, { protect: [path], overwrite: false });
}
