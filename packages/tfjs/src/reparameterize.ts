import * as tf from '@tensorflow/tfjs';
import { collapse, ShapeError } from '@reparam/core';
import { deployLayers } from './deploy-conv.js';
import { ReparamLayer } from './layers/reparam-layer.js';
import { rewriteModel } from './_internal/rewrite-model.js';

/** Deviation of one block, measured on the block's own input from the probe. */
export interface BlockReport {
  name: string;
  className: string;
  /** Shape `[out, in/groups, kh, kw]` of the deploy conv. */
  deployShape: readonly [number, number, number, number];
  /** max |training form (inference mode) - deploy form|. */
  maxAbsDeviation: number;
  /** `maxAbsDeviation / max |training form|`. */
  relativeDeviation: number;
}

/** What {@link reparameterize} did and how close the two models are on the probe. */
export interface ReparameterizeReport {
  blocks: BlockReport[];
  /** Deviation of the whole model's first output. */
  output: { maxAbsDeviation: number; relativeDeviation: number };
}

/** Options of {@link reparameterize}. */
export interface ReparameterizeOptions {
  /** Probe batch size (default 2). */
  probeBatch?: number;
  /** Shape (without batch) used for inputs whose spatial size is unknown. */
  probeShape?: number[];
  /** Seed of the probe input (default 1). */
  seed?: number;
}

function deviation(
  a: tf.Tensor,
  b: tf.Tensor,
): { maxAbsDeviation: number; relativeDeviation: number } {
  return tf.tidy(() => {
    const d = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
    const m = tf.max(tf.abs(a)).dataSync()[0];
    return { maxAbsDeviation: d, relativeDeviation: d / Math.max(m, 1e-30) };
  });
}

function probeFor(model: tf.LayersModel, o: ReparameterizeOptions): tf.Tensor[] {
  return model.inputs.map((t, i) => {
    const rest = t.shape.slice(1);
    const shape = rest.every((v) => v !== null) ? rest : o.probeShape;
    if (shape === undefined) {
      throw new ShapeError(
        `reparameterize: input ${i} of '${model.name}' has shape [${t.shape.join(', ')}]; pass probeShape`,
      );
    }
    return tf.randomUniform([o.probeBatch ?? 2, ...shape], -1, 1, 'float32', (o.seed ?? 1) + i);
  });
}

/**
 * Turns a trained model into its deploy form: every {@link ReparamLayer} (RepVGG, ACB, DBB,
 * MobileOne, RefConv, weight-normalized convs) becomes one plain `Conv2D` or `DepthwiseConv2D`
 * (+ its activation, with a `ZeroPadding2D` in front when tfjs's `'same'` cannot express the
 * padding), computed by `@reparam/core`'s `collapse` from the layer's `toExpr()`; every other
 * layer is copied with its weights. Works on Sequential and functional models (nested models
 * are copied as they are, not searched). Grouped convs with 1 < groups < channels cannot occur:
 * the layers refuse them, since tfjs has no grouped conv.
 *
 * The report gives, per block, the deviation between the training form in inference mode and
 * the deploy conv on the block's own input from a random probe, and the deviation of the whole
 * model's first output.
 */
export function reparameterize(
  model: tf.LayersModel,
  options: ReparameterizeOptions = {},
): { model: tf.LayersModel; report: ReparameterizeReport } {
  const deploy = new Map<
    ReparamLayer,
    { chain: tf.layers.Layer[]; shape: readonly [number, number, number, number] }
  >();
  const rewritten = rewriteModel(model, (layer) => {
    if (!(layer instanceof ReparamLayer)) return null;
    let conv;
    try {
      conv = collapse(layer.toExpr());
    } catch (e) {
      throw new ShapeError(
        `reparameterize: block '${layer.name}' (${layer.getClassName()}) did not collapse: ${(e as Error).message}`,
        { cause: e },
      );
    }
    const chain = deployLayers(conv, layer.activation, layer.name);
    deploy.set(layer, { chain, shape: conv.shape });
    return chain;
  });
  const probe = probeFor(model, options);
  const blocks: BlockReport[] = [];
  for (const [layer, { chain, shape }] of deploy) {
    const node = layer.inboundNodes.find((n) =>
      n.inputTensors.every((t) => model.inputs.includes(t) || model.layers.includes(t.sourceLayer)),
    );
    if (node === undefined) continue;
    const sub = tf.model({ inputs: model.inputs, outputs: node.inputTensors[0] });
    tf.tidy(() => {
      const x = sub.predict(probe) as tf.Tensor;
      const a = layer.apply(x, { training: false }) as tf.Tensor;
      let b = x;
      for (const l of chain) b = l.apply(b) as tf.Tensor;
      blocks.push({
        name: layer.name,
        className: layer.getClassName(),
        deployShape: shape,
        ...deviation(a, b),
      });
    });
  }
  const output = tf.tidy(() => {
    const first = (y: tf.Tensor | tf.Tensor[]): tf.Tensor => (Array.isArray(y) ? y[0] : y);
    return deviation(first(model.predict(probe)), first(rewritten.predict(probe)));
  });
  tf.dispose(probe);
  return { model: rewritten, report: { blocks, output } };
}
