/// <reference lib="webworker" />
// Computes the Look inside figures with @reparam/core and @reparam/tfjs, off the page's thread.
import * as tf from '@tensorflow/tfjs';
import { channelKlMatrix, kernelSkeleton } from '@reparam/core';
import {
  convKernels,
  lossLandscape,
  refConvKernels,
  reparameterize,
  RefConv2D,
} from '@reparam/tfjs';
import { loadFashionMnist, SUBSET } from '../lib/fashion.js';
import type {
  ChannelFigure,
  LandscapeFigure,
  ModelSource,
  SkeletonFigure,
} from '../lib/inside-types.js';
import { fromFiles, useWasmBackend } from '../lib/tf-setup.js';
import { serve } from '../lib/worker-host.js';

async function load(source: ModelSource): Promise<tf.LayersModel> {
  await useWasmBackend();
  return source.kind === 'bundled' ? tf.loadLayersModel(source.url) : fromFiles(source.files);
}

serve({
  async skeleton(p: { plain: ModelSource; acb: ModelSource }) {
    const [plain, acb] = [await load(p.plain), await load(p.acb)];
    const result: SkeletonFigure = {
      plain: kernelSkeleton(convKernels(plain, { kernelSize: 3 })),
      acb: kernelSkeleton(convKernels(acb, { kernelSize: 3 })),
    };
    plain.dispose();
    acb.dispose();
    return { result };
  },

  async channels(p: { refconv: ModelSource }) {
    const model = await load(p.refconv);
    const layer = model.layers.find((l): l is RefConv2D => l instanceof RefConv2D);
    if (!layer) throw new Error(`channels: ${p.refconv.label} has no RefConv2D layer`);
    const { base, transformed } = refConvKernels(layer);
    const result: ChannelFigure = {
      layer: layer.name,
      base: channelKlMatrix(base),
      transformed: channelKlMatrix(transformed),
    };
    model.dispose();
    return { result };
  },

  async landscape(
    p: {
      plain: ModelSource;
      reparam: ModelSource;
      dataUrl: string;
      steps1: number;
      steps2: number;
    },
    call,
  ) {
    await useWasmBackend();
    call.progress('Fashion-MNIST', 0);
    const { test } = await loadFashionMnist(new URL(p.dataUrl), { train: SUBSET.train, test: 25 });
    const n = test.count;
    const xs = tf.tidy(() => tf.div(tf.tensor4d(test.images, [n, 28, 28, 1], 'float32'), 255));
    const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(test.labels, 'int32'), 10));
    const total = 2 * (p.steps1 + p.steps2 * p.steps2);
    let done = 0;
    const onProgress = () => call.progress('loss landscape', ++done / total);
    const slices = async (source: ModelSource) => {
      const trained = await load(source);
      // Both models are compared in their deploy form: plain convs of the same architecture.
      const deploy = reparameterize(trained).model;
      const line = await lossLandscape(deploy, xs, ys, { steps: p.steps1, seed: 1, onProgress });
      const plane = await lossLandscape(deploy, xs, ys, {
        dimensions: 2,
        steps: p.steps2,
        seed: 1,
        onProgress,
      });
      trained.dispose();
      deploy.dispose();
      return { line, plane };
    };
    const result: LandscapeFigure = {
      batch: n,
      plain: await slices(p.plain),
      reparam: await slices(p.reparam),
    };
    tf.dispose([xs, ys]);
    return { result };
  },
});
