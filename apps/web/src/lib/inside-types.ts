import type { ChannelKlMatrix, KernelSkeleton } from '@reparam/core';
import type { LossLandscape } from '@reparam/tfjs';
import type { ModelFiles } from './tf-setup.js';

/** Where a model comes from: the app's bundled files, or the Train page of this session. */
export type ModelSource =
  | { readonly kind: 'bundled'; readonly url: string; readonly label: string }
  | { readonly kind: 'session'; readonly files: ModelFiles; readonly label: string };

/** ACNet's skeletons of a plain model and an ACB model (after fusion). */
export interface SkeletonFigure {
  readonly plain: KernelSkeleton;
  readonly acb: KernelSkeleton;
}

/** RefConv's channel KL matrices of W_b and W_t of the first RefConv layer. */
export interface ChannelFigure {
  readonly layer: string;
  readonly base: ChannelKlMatrix;
  readonly transformed: ChannelKlMatrix;
}

/** Loss landscapes of the two models' deploy forms, along lines and planes. */
export interface LandscapeFigure {
  readonly batch: number;
  readonly plain: { readonly line: LossLandscape; readonly plane: LossLandscape };
  readonly reparam: { readonly line: LossLandscape; readonly plane: LossLandscape };
}
