import type * as tf from '@tensorflow/tfjs';
import {
  CenteredWeightNormConv2D,
  MobileOneBlock,
  OrthogonalWeightNormConv2D,
  RepVGGBlock,
  toRefConv,
  WeightNormConv2D,
  type BlockChoice,
} from '@reparam/tfjs';
import type { ArchId } from './architectures.js';

/** How a method's training starts. */
export type Start =
  /** From random weights, with `block` at every KxK position of the architecture. */
  | { kind: 'scratch'; block: BlockChoice }
  /**
   * From the same seed's trained baseline (`conv`), turned into this method's model by
   * `transform`; its cost includes the baseline's training.
   */
  | { kind: 'from-baseline'; transform: (trained: tf.LayersModel) => tf.LayersModel };

/**
 * One row of the tables. Adding a block to the comparison is adding one entry here: runs already
 * stored are kept, so a resumed run trains only the new method.
 */
export interface Method {
  id: string;
  label: string;
  archs: readonly ArchId[];
  /**
   * Networks it runs on only when `--methods` names it: rows of the table left out of the
   * default run to keep it within its time budget.
   */
  optionalArchs?: readonly ArchId[];
  start: Start;
}

/** Whether `m` runs on `arch`: a default network, or an optional one when `named` by --methods. */
export function runsOn(m: Method, arch: ArchId, named = false): boolean {
  return m.archs.includes(arch) || (named && (m.optionalArchs ?? []).includes(arch));
}

const tables: readonly ArchId[] = ['resnet18', 'mobilenetV2'];
/** MobileOne-S0's number of over-parameterized KxK branches (Vasu et al. 2023, Table 7). */
const MOBILEONE_BRANCHES = 4;

/** RefConv on a trained model: its KxK convs become RefConv2D with frozen bases; all must convert. */
function refocus(trained: tf.LayersModel): tf.LayersModel {
  const { model, skipped } = toRefConv(trained);
  const kxk = skipped.filter((s) => s.reason !== 'kernel 1x1');
  if (kxk.length > 0) {
    throw new Error(
      `refocus: ${kxk.length} KxK convs of '${trained.name}' were not converted to RefConv2D: ${kxk.map((s) => `${s.name} (${s.reason})`).join(', ')}`,
    );
  }
  return model;
}

/**
 * A block added after the talk, trained from scratch: by default on ResNet-18 only (its
 * MobileNetV2 run would take the default run over its 2-hour budget).
 */
function addedAfterTalk(
  block: 'qarepvgg' | 'online-acb' | 'online-repvgg' | 'online-dbb',
  label: string,
): Method {
  return {
    id: block,
    label,
    archs: ['resnet18'],
    optionalArchs: ['mobilenetV2'],
    start: { kind: 'scratch', block },
  };
}

/** The baseline (`conv`) and every method compared with it, in table order. */
export const methods: readonly Method[] = [
  { id: 'conv', label: 'Baseline', archs: tables, start: { kind: 'scratch', block: 'conv' } },
  { id: 'acb', label: 'ACB', archs: tables, start: { kind: 'scratch', block: 'acb' } },
  {
    id: 'repvgg',
    label: 'RepVGG block',
    archs: tables,
    start: { kind: 'scratch', block: 'repvgg' },
  },
  { id: 'dbb', label: 'DBB', archs: tables, start: { kind: 'scratch', block: 'dbb' } },
  {
    id: 'mobileone',
    label: `MobileOne (k=${MOBILEONE_BRANCHES})`,
    archs: tables,
    start: {
      kind: 'scratch',
      block: (spec) => new MobileOneBlock({ ...spec, branches: MOBILEONE_BRANCHES }),
    },
  },
  {
    id: 'wn',
    label: 'WN',
    archs: tables,
    start: {
      kind: 'scratch',
      block: (spec) => new WeightNormConv2D({ ...spec, useBias: false, useBatchNorm: true }),
    },
  },
  {
    id: 'cwn',
    label: 'CWN',
    archs: tables,
    start: {
      kind: 'scratch',
      block: (spec) =>
        new CenteredWeightNormConv2D({ ...spec, useBias: false, useBatchNorm: true }),
    },
  },
  {
    id: 'own',
    label: 'OWN',
    archs: tables,
    start: {
      kind: 'scratch',
      block: (spec) =>
        new OrthogonalWeightNormConv2D({ ...spec, useBias: false, useBatchNorm: true }),
    },
  },
  {
    id: 'refconv',
    label: 'RefConv',
    archs: tables,
    start: { kind: 'from-baseline', transform: refocus },
  },
  {
    // RefConv's control: the same extra epochs from the same trained baseline, without refocusing.
    id: 'conv-continued',
    label: 'Baseline, trained again',
    archs: tables,
    start: { kind: 'from-baseline', transform: (trained) => trained },
  },
  // Blocks this project adds after the talk: QARepVGG (Chu et al. 2022) and the online (OREPA,
  // Hu et al. 2022) forms of ACB, RepVGG and DBB, which build one kernel per step.
  addedAfterTalk('qarepvgg', 'QARepVGG'),
  addedAfterTalk('online-acb', 'OREPA: online ACB'),
  addedAfterTalk('online-repvgg', 'OREPA: online RepVGG'),
  addedAfterTalk('online-dbb', 'OREPA: online DBB'),
  {
    id: 'repvgg-none',
    label: 'RepVGG: neither',
    archs: ['repvgg'],
    start: { kind: 'scratch', block: 'conv' },
  },
  {
    id: 'repvgg-identity',
    label: 'RepVGG: identity',
    archs: ['repvgg'],
    start: {
      kind: 'scratch',
      block: (spec) => new RepVGGBlock({ ...spec, usePointwise: false }),
    },
  },
  {
    id: 'repvgg-pointwise',
    label: 'RepVGG: 1x1',
    archs: ['repvgg'],
    start: { kind: 'scratch', block: (spec) => new RepVGGBlock({ ...spec, useIdentity: false }) },
  },
  {
    id: 'repvgg-both',
    label: 'RepVGG: identity + 1x1',
    archs: ['repvgg'],
    start: { kind: 'scratch', block: 'repvgg' },
  },
];

/** The method of `id`; throws a named error listing the ids otherwise. */
export function methodById(id: string): Method {
  const m = methods.find((x) => x.id === id);
  if (m === undefined)
    throw new RangeError(
      `methodById: no method '${id}'; known: ${methods.map((x) => x.id).join(', ')}`,
    );
  return m;
}
