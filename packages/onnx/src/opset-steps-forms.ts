import { intAttr, stringAttr } from './attributes.js';
import { attribute } from './builder.js';
import { attr, makeNode, without, withAttr, type Step } from './opset-step.js';
import { dataTypeCode } from './proto.js';
import { floatTensor, rawTensor } from './tensor.js';

// Steps where an operator's attributes, outputs or meaning changed.

/** Version 6 (Reshape 5) drops `consumed_inputs`, a hint of the old in-place optimizer. */
export const dropConsumedInputs: Step = (c) => without(c.node, 'consumed_inputs');

const elements = (dims: readonly number[]) => dims.reduce((a, d) => a * d, 1);

/**
 * Version 7 of the arithmetic, logic and comparison ops replaces `broadcast`/`axis` (B aligned
 * with A at `axis`, by default at the end) by numpy broadcasting (aligned at the end): the same
 * unless B is aligned elsewhere.
 */
export const numpyBroadcast: Step = (c) => {
  const upgraded = without(c.node, 'broadcast', 'axis');
  if (intAttr(c.node, 'broadcast', 0) === 0 || attr(c.node, 'axis') === undefined) return upgraded;
  const axis = intAttr(c.node, 'axis', 0);
  const a = c.facts(c.node.input[0]).dims;
  const b = c.facts(c.node.input[1]).dims;
  if (a !== undefined && b !== undefined && (axis === a.length - b.length || elements(b) === 1))
    return upgraded;
  if (a === undefined || b === undefined)
    return c.refuse(
      `B is broadcast at axis ${axis} of A, and the dims of ${a === undefined ? 'A' : 'B'} are not known to tell whether that is where numpy broadcasting (version 7) aligns it`,
    );
  return c.refuse(
    `B [${b.join(', ')}] is broadcast at axis ${axis} of A [${a.join(', ')}], not at its end as numpy broadcasting (version 7) does`,
  );
};

/** Gemm-7 broadcasts C whenever it can: the `broadcast` flag goes. */
export const gemmBroadcast: Step = (c) => without(c.node, 'broadcast');

/** BatchNormalization-7 and Dropout-7 have no `is_test`: they are in inference mode, as is_test 1 said. */
export const testModeOnly: Step = (c) => {
  if (intAttr(c.node, 'is_test', 0) !== 1)
    return c.refuse('is_test is 0 (training mode: batch statistics or random dropout)');
  return without(c.node, 'is_test');
};

/** BatchNormalization-9 has no `spatial`: statistics are per channel, as spatial 1 said. */
export const spatialOnly: Step = (c) => {
  if (intAttr(c.node, 'spatial', 1) !== 1)
    return c.refuse('spatial is 0 (per-activation statistics)');
  return without(c.node, 'spatial');
};

/**
 * BatchNormalization-14 and Dropout-10 change the meaning or type of their extra outputs
 * (training statistics; a bool mask): unused ones are dropped, used ones refused.
 */
export const firstOutputOnly: Step = (c) => {
  const used = c.node.output.slice(1).filter((o) => o !== '' && c.used(o));
  if (used.length > 0)
    return c.refuse(
      `its output${used.length > 1 ? 's' : ''} '${used.join("', '")}' changed meaning or type`,
    );
  return { ...c.node, output: c.node.output.slice(0, 1) };
};

/** Concat-4 requires `axis`; Concat-1 defaulted to 1. */
export const concatAxis: Step = (c) =>
  attr(c.node, 'axis') === undefined ? withAttr(c.node, 'axis', 1) : c.node;

/** Cast-6 names the target type by its number, Cast-1 by a string. */
export const castTypeNumber: Step = (c) => {
  const to = attr(c.node, 'to');
  if (to?.s === undefined) return c.node;
  const name = new TextDecoder().decode(to.s).toUpperCase();
  const code = dataTypeCode(name);
  // Cast-6 knows FLOAT (1) to COMPLEX128 (15); BFLOAT16 (16) came with Cast-13.
  if (code === undefined || code < 1 || code > 15)
    return c.refuse(`to '${name}' is not a type Cast-6 knows`);
  return withAttr(c.node, 'to', code);
};

/** Split-2 only takes `split` as an attribute. */
export const splitNoInput: Step = (c) => {
  if ((c.node.input[1] ?? '') !== '') return c.refuse('split is given as an input');
  return c.node;
};

/** Split-18 wants `num_outputs` when no `split` input says the sizes (equal parts). */
export const splitNumOutputs: Step = (c) =>
  (c.node.input[1] ?? '') !== '' || attr(c.node, 'num_outputs') !== undefined
    ? c.node
    : withAttr(c.node, 'num_outputs', c.node.output.length);

/** A step that always refuses, saying why. */
export const refused =
  (why: string): Step =>
  (c) =>
    c.refuse(why);

/** Scatter (deprecated at opset 11) is ScatterElements under a new name. */
export const scatterRenamed: Step = (c) => ({ ...c.node, opType: 'ScatterElements' });

/** GRU, LSTM and RNN 7 always may output the sequence: `output_sequence` goes. */
export const noOutputSequence: Step = (c) => without(c.node, 'output_sequence');

/** LpPool-2 and GlobalLpPool-2 take `p` as an integer. */
export const integerP: Step = (c) => {
  const p = attr(c.node, 'p');
  if (p === undefined) return c.node;
  const value = p.f ?? p.i ?? 2;
  if (!Number.isInteger(value)) return c.refuse(`p ${value} is not an integer`);
  return withAttr(c.node, 'p', value);
};

/** PRelu-7 broadcasts the slope numpy-style; PRelu-6's slope is one value or X's own shape. */
export const preluSlope: Step = (c) => {
  const slope = c.facts(c.node.input[1]).dims;
  const x = c.facts(c.node.input[0]).dims;
  if (slope !== undefined && (elements(slope) === 1 || slope.length === x?.length)) return c.node;
  return c.refuse(
    `its slope [${slope?.join(', ') ?? '?'}] may broadcast differently over X [${x?.join(', ') ?? '?'}] in version 7`,
  );
};

/** RoiAlign-16 defaults to half_pixel coordinates; RoiAlign-10 computed output_half_pixel ones. */
export const roiAlignCoordinates: Step = (c) =>
  attr(c.node, 'coordinate_transformation_mode') === undefined
    ? withAttr(c.node, 'coordinate_transformation_mode', 'output_half_pixel')
    : c.node;

/** GridSample-20 renames the modes bilinear and bicubic to linear and cubic. */
export const gridSampleModes: Step = (c) => {
  const mode = stringAttr(c.node, 'mode', 'bilinear');
  const renamed = { bilinear: 'linear', bicubic: 'cubic' }[mode] ?? mode;
  return withAttr(c.node, 'mode', renamed);
};

/**
 * Softmax, LogSoftmax and Hardmax 13 work along one axis; before, on the input flattened to 2-D
 * at `axis` (default 1). The same when every dim after the axis is 1; otherwise the old
 * computation is spelled out: Flatten, the op on axis 1, Reshape back to the input's shape.
 */
export const oneAxis: Step = (c) => {
  const [x] = c.node.input;
  const axis = intAttr(c.node, 'axis', 1);
  const dims = c.facts(x).dims;
  const normalized = dims === undefined ? undefined : axis < 0 ? axis + dims.length : axis;
  if (dims !== undefined && dims.slice((normalized ?? 0) + 1).every((d) => d === 1))
    return withAttr(c.node, 'axis', axis);
  const shape = c.add('Shape', [x], []);
  const flat = c.add('Flatten', [x], [attribute('axis', axis)]);
  const y = c.node.output[0];
  const flatOut = c.fresh(`${y}_2d`);
  const reshape = makeNode(
    c.fresh(`${c.node.name ?? y}_reshape`),
    'Reshape',
    [flatOut, shape],
    [y],
    c.target >= 14 ? [attribute('allowzero', 1)] : [],
  );
  return {
    node: { ...withAttr(c.node, 'axis', 1), input: [flat], output: [flatOut] },
    after: [reshape],
  };
};

/**
 * GroupNormalization-21 takes a scale and bias per channel, 18 one per group: constant ones are
 * repeated for the channels of each group (float32 or float64).
 */
export const groupNormPerChannel: Step = (c) => {
  const [x, scale, bias] = c.node.input;
  const channels = c.facts(x).dims?.[1];
  const groups = intAttr(c.node, 'num_groups', 0);
  const perChannel = (name: string): string => {
    const f = c.facts(name);
    if (f.values === undefined || channels === undefined || groups <= 0 || channels % groups !== 0)
      return c.refuse(
        `'${name}' must be a constant and the channels of '${x}' known to repeat it per channel`,
      );
    const values = Array.from(f.values, Number);
    const repeated = Array.from(
      { length: channels },
      (_, k) => values[Math.floor(k / (channels / groups))],
    );
    if (f.elemType === 1) return c.constant(name, floatTensor('', [channels], repeated));
    if (f.elemType === 11)
      return c.constant(
        name,
        rawTensor('', [channels], 11, new Uint8Array(Float64Array.from(repeated).buffer)),
      );
    return c.refuse(
      `'${name}' is of element type ${f.elemType ?? '?'}; only float32 and float64 are written`,
    );
  };
  return { ...c.node, input: [x, perChannel(scale), perChannel(bias)] };
};
