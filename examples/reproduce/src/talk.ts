/**
 * The numbers of the talk (its slides reproduce the RefConv paper's Table 2 and 3, Cai et al.
 * 2023, and the RepVGG paper's Table 6 ablation, Ding et al. 2021). ImageNet, full-size models;
 * FLOPs and memory are the RefConv paper's training columns.
 */

/** One method's row of the talk's ResNet-18 / MobileNetV2 table. */
export interface TalkRow {
  top1: number;
  /** Training FLOPs, G (the paper's column; 472.08 / 256 = 1.84 G per image for ResNet-18). */
  flops: number;
  /** Training memory, GB. */
  memoryGb: number;
}

/** Rows by method id, per architecture. */
export const talkTable: Record<'resnet18' | 'mobilenetV2', Record<string, TalkRow>> = {
  resnet18: {
    conv: { top1: 70.69, flops: 472.08, memoryGb: 15.52 },
    acb: { top1: 71.47, flops: 761.25, memoryGb: 18.76 },
    repvgg: { top1: 71.21, flops: 522.85, memoryGb: 17.02 },
    dbb: { top1: 71.25, flops: 1097.4, memoryGb: 26.18 },
    wn: { top1: 70.81, flops: 472.1, memoryGb: 15.53 },
    cwn: { top1: 70.85, flops: 472.1, memoryGb: 15.53 },
    own: { top1: 70.83, flops: 472.1, memoryGb: 15.53 },
    refconv: { top1: 71.63, flops: 472.2, memoryGb: 15.76 },
  },
  mobilenetV2: {
    conv: { top1: 71.68, flops: 90.37, memoryGb: 24.21 },
    acb: { top1: 71.99, flops: 98.62, memoryGb: 32.02 },
    repvgg: { top1: 72.11, flops: 94.39, memoryGb: 28.38 },
    dbb: { top1: 72.25, flops: 125.61, memoryGb: 43.52 },
    wn: { top1: 71.76, flops: 90.37, memoryGb: 24.21 },
    cwn: { top1: 71.78, flops: 90.37, memoryGb: 24.21 },
    own: { top1: 71.75, flops: 90.37, memoryGb: 24.21 },
    refconv: { top1: 72.35, flops: 90.72, memoryGb: 24.98 },
  },
};

/** RepVGG-B0 ablation (120 epochs): top-1 and images/s of the training form, by method id. */
export const talkAblation: Record<string, { top1: number; imagesPerSecond: number }> = {
  'repvgg-none': { top1: 72.39, imagesPerSecond: 1810 },
  'repvgg-identity': { top1: 74.79, imagesPerSecond: 1569 },
  'repvgg-pointwise': { top1: 73.15, imagesPerSecond: 1230 },
  'repvgg-both': { top1: 75.14, imagesPerSecond: 1061 },
};

/** RefConv's parameter column, millions (base model -> with RefConv). */
export const talkRefConvParams: Record<'resnet18' | 'mobilenetV2', [number, number]> = {
  resnet18: [11.72, 22.74],
  mobilenetV2: [3.56, 44.11],
};
