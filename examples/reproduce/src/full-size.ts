import type * as tf from '@tensorflow/tfjs';
import { mobilenetV2, resnet18 } from '@reparam/tfjs';
import { countParams, type ParamCount } from './measure.js';

/** Parameter counts of a full-size network, as the baseline and with RefConv. */
export interface FullSizeParams {
  arch: 'resnet18' | 'mobilenetV2';
  label: string;
  base: ParamCount;
  refconv: ParamCount;
}

function count(make: () => tf.LayersModel): ParamCount {
  const model = make();
  const c = countParams(model);
  model.dispose();
  return c;
}

/**
 * RefConv's parameter column: ResNet-18 and MobileNetV2 as the builders make them at ImageNet
 * size (224x224x3, 1000 classes), with conv + BN and with RefConv at every KxK position.
 */
export function fullSizeParams(): FullSizeParams[] {
  return [
    {
      arch: 'resnet18',
      label: 'ResNet-18',
      base: count(() => resnet18({ block: 'conv' })),
      refconv: count(() => resnet18({ block: 'refconv' })),
    },
    {
      arch: 'mobilenetV2',
      label: 'MobileNetV2',
      base: count(() => mobilenetV2({ block: 'conv' })),
      refconv: count(() => mobilenetV2({ block: 'refconv' })),
    },
  ];
}
