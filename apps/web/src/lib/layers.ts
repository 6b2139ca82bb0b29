/**
 * Registers every @reparam/tfjs layer class with tfjs's serialization, so that saved models load
 * in a worker that does not construct them itself. The package registers each class when its
 * module loads, but a bundler (Vite 8 here) drops the modules of classes a worker never names,
 * registration included: naming them here keeps them.
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
} from '@reparam/tfjs';

for (const layer of [
  ACBlock,
  CenteredWeightNormConv2D,
  ConvBN,
  DiverseBranchBlock,
  MobileOneBlock,
  OrthogonalWeightNormConv2D,
  RefConv2D,
  RepVGGBlock,
  WeightNormConv2D,
])
  tf.serialization.registerClass(layer);
