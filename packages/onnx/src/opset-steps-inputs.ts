import { floatAttr, intAttr, intsAttr, stringAttr } from './attributes.js';
import {
  attr,
  int64s,
  scalarOf,
  withAttr,
  without,
  type Step,
  type StepContext,
} from './opset-step.js';
import type { NodeProto } from './proto.js';
import { floatTensor } from './tensor.js';

// Steps where attributes became inputs. Each puts the attribute's value in a Constant node of the
// type the new input takes, in the position the new version gives it.

/** The node with its inputs replaced and the named attributes removed. */
const rewired = (node: NodeProto, inputs: readonly string[], ...removed: string[]): NodeProto => ({
  ...without(node, ...removed),
  input: trimOptional(inputs),
});

/** Absent optional inputs at the end are left out rather than named ''. */
function trimOptional(inputs: readonly string[]): string[] {
  const out = [...inputs];
  while (out.length > 1 && out[out.length - 1] === '') out.pop();
  return out;
}

/** An ints attribute as an int64 input (1-D), or '' when the attribute is absent. */
function intsInput(c: StepContext, name: string): string {
  return attr(c.node, name) === undefined
    ? ''
    : c.constant(name, int64s(intsAttr(c.node, name, [])));
}

/** Reduce*, Squeeze, Unsqueeze: the `axes` attribute becomes the second input. */
export const axesToInput: Step = (c) =>
  rewired(c.node, [c.node.input[0], intsInput(c, 'axes')], 'axes');

/** Reshape-5: the `shape` attribute becomes the second input. */
export const reshapeShapeToInput: Step = (c) =>
  rewired(c.node, [c.node.input[0], intsInput(c, 'shape')], 'shape', 'consumed_inputs');

/** Slice-10: starts, ends and axes become inputs 1 to 3. */
export const sliceToInputs: Step = (c) =>
  rewired(
    c.node,
    [c.node.input[0], intsInput(c, 'starts'), intsInput(c, 'ends'), intsInput(c, 'axes')],
    'starts',
    'ends',
    'axes',
  );

/** Split-13: the `split` attribute becomes the second input. */
export const splitToInput: Step = (c) =>
  rewired(c.node, [c.node.input[0], intsInput(c, 'split')], 'split');

/** TopK-10: `k` becomes a 1-element int64 input. */
export const topKToInput: Step = (c) =>
  rewired(c.node, [c.node.input[0], c.constant('k', int64s([intAttr(c.node, 'k', 0)]))], 'k');

/** DFT-20: `axis` (default 1) becomes the third input, an int64 scalar (whose default is -2). */
export const dftAxisToInput: Step = (c) =>
  rewired(
    c.node,
    [
      c.node.input[0],
      c.node.input[1] ?? '',
      c.constant('axis', int64s([intAttr(c.node, 'axis', 1)], true)),
    ],
    'axis',
  );

/** Dropout-12: `ratio` becomes the second input (float32; absent, both default to 0.5). */
export const dropoutRatioToInput: Step = (c) =>
  attr(c.node, 'ratio') === undefined
    ? c.node
    : rewired(
        c.node,
        [
          c.node.input[0],
          c.constant('ratio', floatTensor('', [], [floatAttr(c.node, 'ratio', 0.5)])),
        ],
        'ratio',
      );

/** A scalar input of the data's own type (the new inputs are typed like the data). */
function typedScalar(c: StepContext, hint: string, value: number): string {
  const type = c.facts(c.node.input[0]).elemType;
  const tensor = scalarOf(type, value);
  if (tensor === undefined)
    return c.refuse(
      type === undefined
        ? `the element type of '${c.node.input[0]}' is unknown, and its ${hint} must become an input of that type`
        : `its ${hint} must become an input of element type ${type}; only float32 and float64 are written`,
    );
  return c.constant(hint, tensor);
}

/** Clip-11: `min` and `max` become inputs of the data's type. */
export const clipToInputs: Step = (c) => {
  const min =
    attr(c.node, 'min') === undefined ? '' : typedScalar(c, 'min', floatAttr(c.node, 'min', 0));
  const max =
    attr(c.node, 'max') === undefined ? '' : typedScalar(c, 'max', floatAttr(c.node, 'max', 0));
  return rewired(c.node, [c.node.input[0], min, max], 'min', 'max');
};

/** Pad-2: the amounts' attribute `paddings` is renamed `pads`. */
export const padPaddingsRenamed: Step = (c) => {
  const paddings = attr(c.node, 'paddings');
  return paddings === undefined
    ? c.node
    : withAttr(without(c.node, 'paddings'), 'pads', [...paddings.ints]);
};

/** Pad-11: `pads` becomes an int64 input; a non-zero constant `value` an input of the data's type. */
export const padToInputs: Step = (c) => {
  const value = floatAttr(c.node, 'value', 0);
  const constant = stringAttr(c.node, 'mode', 'constant') === 'constant' && value !== 0;
  return rewired(
    c.node,
    [
      c.node.input[0],
      c.constant('pads', int64s(intsAttr(c.node, 'pads', []))),
      constant ? typedScalar(c, 'value', value) : '',
    ],
    'pads',
    'value',
  );
};
