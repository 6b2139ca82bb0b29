// Typechecked (never run) by the consumer check with moduleResolution nodenext and bundler: the
// published declarations fit the app's own tfjs and each other.
import * as tf from '@tensorflow/tfjs';
import { collapse, conv2dReference, randomTensor, type Conv, type Expr } from '@reparam/core';
import { RepVGGBlock, reparameterize, type ReparameterizeReport } from '@reparam/tfjs';
import { WasmConvRuntime, setWasmPaths, type WasmPaths } from '@reparam/wasm';
import {
  convertModel,
  parseModel,
  serializeModel,
  type ConversionReport,
  type ModelProto,
} from '@reparam/onnx';

export async function typed(expr: Expr, bytes: Uint8Array, paths: WasmPaths): Promise<number> {
  const conv: Conv = collapse(expr);
  const input: tf.SymbolicTensor = tf.input({ shape: [8, 8, 4] });
  const output = new RepVGGBlock({ filters: 4 }).apply(input) as tf.SymbolicTensor;
  const model: tf.LayersModel = tf.model({ inputs: input, outputs: output });
  const result: { model: tf.LayersModel; report: ReparameterizeReport } = reparameterize(model);
  setWasmPaths(paths);
  const rt: WasmConvRuntime = await WasmConvRuntime.create({ threads: 2, wasmPaths: paths });
  const x = randomTensor([1, conv.shape[1], 8, 8], 1);
  const y: { data: Float32Array; shape: readonly number[] } = rt.conv2d(
    Float32Array.from(x.data),
    x.shape,
    conv,
  );
  const parsed: ModelProto = parseModel(bytes);
  const converted: { model: ModelProto; report: ConversionReport } = await convertModel(parsed, {
    verify: true,
  });
  return (
    y.data[0] +
    conv2dReference(x, conv).data[0] +
    serializeModel(converted.model).length +
    result.model.layers.length +
    rt.threads
  );
}
