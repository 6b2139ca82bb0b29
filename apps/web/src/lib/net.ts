/**
 * The Train page's network on 28x28x1: four 3x3 blocks of the chosen kind (the second and
 * fourth with stride 2; OWN's first is a conv + BN, as one input channel cannot hold `width`
 * orthonormal 3x3 rows), global average pool and a softmax classifier.
 * Built from @reparam/tfjs's exported layers, as an outside app would.
 */
import * as tf from '@tensorflow/tfjs';
import {
  ACBlock,
  CenteredWeightNormConv2D,
  ConvBN,
  DiverseBranchBlock,
  MobileOneBlock,
  OrthogonalWeightNormConv2D,
  RefConv2D,
  RepVGGBlock,
  WeightNormConv2D,
  type ReparamLayer,
  type ReparamLayerArgs,
} from '@reparam/tfjs';
import type { TrainBlock } from './blocks.js';

function block(kind: TrainBlock, args: ReparamLayerArgs): ReparamLayer {
  switch (kind) {
    case 'conv':
      return new ConvBN(args);
    case 'acb':
      return new ACBlock(args);
    case 'repvgg':
      return new RepVGGBlock(args);
    case 'dbb':
      return new DiverseBranchBlock(args);
    case 'mobileone':
      return new MobileOneBlock({ ...args, branches: 2 });
    case 'refconv':
      return new RefConv2D({ ...args, useBatchNorm: true });
    case 'wn':
      return new WeightNormConv2D(args);
    case 'cwn':
      return new CenteredWeightNormConv2D(args);
    case 'own':
      return new OrthogonalWeightNormConv2D(args);
  }
}

/** The network for `kind` at `width` channels (`width`, `2 width`, `2 width`, `4 width`). */
export function buildNet(kind: TrainBlock, width: number, seed = 1): tf.Sequential {
  const model = tf.sequential({ name: `fashion_${kind}_${width}` });
  const common = { kernelSize: 3, activation: 'relu' as const };
  const stem = { ...common, filters: width, inputShape: [28, 28, 1], name: 'stem' };
  model.add(kind === 'own' ? new ConvBN(stem) : block(kind, stem));
  model.add(block(kind, { ...common, filters: 2 * width, strides: 2, name: 'block1' }));
  model.add(block(kind, { ...common, filters: 2 * width, name: 'block2' }));
  model.add(block(kind, { ...common, filters: 4 * width, strides: 2, name: 'block3' }));
  model.add(tf.layers.globalAveragePooling2d({ name: 'pool' }));
  model.add(
    tf.layers.dense({
      units: 10,
      activation: 'softmax',
      name: 'classifier',
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    }),
  );
  return model;
}
