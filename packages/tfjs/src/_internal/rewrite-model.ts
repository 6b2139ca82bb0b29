import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '@reparam/core';

/** What replaces one layer: a chain of new layers, applied in order to the layer's input. */
export type Replacement = tf.layers.Layer[];

/** A copy of a layer (same class and config; its current weights, or `weights`), unbuilt. */
export function cloneLayer(layer: tf.layers.Layer, weights?: tf.Tensor[]): tf.layers.Layer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()];
  if (entry === undefined) {
    throw new ShapeError(
      `cloneLayer: layer '${layer.name}' of class ${layer.getClassName()} is not registered with tf.serialization.registerClass`,
    );
  }
  const [cls, fromConfig] = entry;
  // `weights` is tfjs's LayerArgs field for initial weights, set when the clone is built.
  const config = {
    ...layer.getConfig(),
    weights: weights ?? layer.getWeights(),
  } as unknown as tf.serialization.ConfigDict;
  return fromConfig(cls, config) as tf.layers.Layer;
}

function applyChain(
  chain: Replacement,
  x: tf.SymbolicTensor | tf.SymbolicTensor[],
): tf.SymbolicTensor | tf.SymbolicTensor[] {
  let y = x;
  for (const l of chain) y = l.apply(y) as tf.SymbolicTensor | tf.SymbolicTensor[];
  return y;
}

/**
 * Rebuilds `model` (Sequential or functional, one level: nested models are copied as they are)
 * with each layer either replaced by `replace(layer)` or cloned with its weights. Returns a
 * Sequential for a Sequential input. The original model is not modified.
 */
export function rewriteModel(
  model: tf.LayersModel,
  replace: (layer: tf.layers.Layer) => Replacement | null,
): tf.LayersModel {
  const chainOf = (l: tf.layers.Layer): Replacement => replace(l) ?? [cloneLayer(l)];
  if (model instanceof tf.Sequential) {
    const shape = model.inputs[0].shape;
    const seq = tf.sequential({ name: `${model.name}_deploy` });
    seq.add(tf.layers.inputLayer({ batchInputShape: shape, dtype: model.inputs[0].dtype }));
    for (const l of model.layers) {
      if (l.getClassName() === 'InputLayer') continue;
      for (const r of chainOf(l)) seq.add(r);
    }
    return seq;
  }
  const map = new Map<number, tf.SymbolicTensor>();
  const inputs = model.inputs.map((t) => {
    const n = tf.input({ batchShape: t.shape, dtype: t.dtype, name: t.name.split('/')[0] });
    map.set(t.id, n);
    return n;
  });
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const chain = chainOf(layer);
    for (const node of layer.inboundNodes) {
      const ins = node.inputTensors.map((t) => map.get(t.id));
      if (ins.some((t) => t === undefined)) continue; // a node of another model using the same layer
      const given = ins as tf.SymbolicTensor[];
      const out = applyChain(chain, given.length === 1 ? given[0] : given);
      const outs = Array.isArray(out) ? out : [out];
      node.outputTensors.forEach((t, i) => map.set(t.id, outs[i]));
    }
  }
  const outputs = model.outputs.map((t) => {
    const n = map.get(t.id);
    if (n === undefined)
      throw new ShapeError(
        `rewriteModel: output ${t.name} of model '${model.name}' was not reached`,
      );
    return n;
  });
  return tf.model({ inputs, outputs, name: `${model.name}_deploy` });
}
