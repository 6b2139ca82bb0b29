import { attribute, type AttributeValue } from './builder.js';
import type { AttributeProto, NodeProto, TensorProto } from './proto.js';
import { DataType, floatTensor, int64Tensor, rawTensor } from './tensor.js';

/** What the upgrade may know about a tensor; each field only when known. */
export interface TensorFacts {
  readonly dims?: readonly number[];
  /** `TensorProto.DataType` code. */
  readonly elemType?: number;
  readonly values?: ArrayLike<number | bigint>;
}

/** One node moving across one version of its operator, and what a step may do for it. */
export interface StepContext {
  /** The node in the form of the version before {@link version}. */
  readonly node: NodeProto;
  /** The operator version the node moves to. */
  readonly version: number;
  /** The node's operator in the model (before renames such as Upsample -> Resize). */
  readonly origin: string;
  /** The opset the whole model moves to. */
  readonly target: number;
  /** What is known of a tensor (the probe's dims and values, declared types, constants). */
  facts(name: string): TensorFacts;
  /** Whether a tensor is read by a node (at any depth) or is a graph output. */
  used(name: string): boolean;
  /** Adds a Constant node before the node; returns its output. */
  constant(hint: string, tensor: TensorProto): string;
  /** Adds a node of the target opset before the node; returns its output. */
  add(op: string, inputs: readonly string[], attributes: readonly AttributeProto[]): string;
  /** A tensor or node name used nowhere in the model yet. */
  fresh(hint: string): string;
  /** Refuses the upgrade of this node, saying why it cannot be exact. */
  refuse(why: string): never;
}

/** What a step gives back: the node in its new form, and nodes that go after it. */
export type StepResult = NodeProto | { readonly node: NodeProto; readonly after: NodeProto[] };

/** Rewrites a node across one operator version. */
export type Step = (c: StepContext) => StepResult;

/** The attribute `name` of a node, if set. */
export const attr = (node: NodeProto, name: string): AttributeProto | undefined =>
  node.attribute.find((a) => a.name === name);

/** The node without the named attributes. */
export const without = (node: NodeProto, ...names: string[]): NodeProto => ({
  ...node,
  attribute: node.attribute.filter((a) => !names.includes(a.name ?? '')),
});

/** The node with attribute `name` set to `value` (replacing any). */
export const withAttr = (node: NodeProto, name: string, value: AttributeValue): NodeProto => ({
  ...without(node, name),
  attribute: [...without(node, name).attribute, attribute(name, value)],
});

/** A node of the default domain. */
export const makeNode = (
  name: string,
  opType: string,
  input: readonly string[],
  output: readonly string[],
  attributes: readonly AttributeProto[] = [],
): NodeProto => ({
  name,
  opType,
  domain: '',
  input: [...input],
  output: [...output],
  attribute: [...attributes],
});

/** An int64 tensor of `values` (1-D, or a scalar with `scalar`). */
export const int64s = (values: readonly number[], scalar = false): TensorProto =>
  int64Tensor('', scalar ? [] : [values.length], values);

/**
 * A scalar of element type `elemType` (float32 or float64, the types whose attributes became
 * inputs), or undefined for the others.
 */
export function scalarOf(elemType: number | undefined, value: number): TensorProto | undefined {
  if (elemType === DataType.FLOAT) return floatTensor('', [], [value]);
  if (elemType === DataType.DOUBLE)
    return rawTensor('', [], DataType.DOUBLE, new Uint8Array(Float64Array.of(value).buffer));
  return undefined;
}
