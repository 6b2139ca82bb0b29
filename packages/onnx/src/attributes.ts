import type { AttributeProto, NodeProto } from './proto.js';

const find = (node: NodeProto, name: string): AttributeProto | undefined =>
  node.attribute.find((a) => a.name === name);

/** An int attribute, or `fallback` when absent. */
export const intAttr = (node: NodeProto, name: string, fallback: number): number =>
  find(node, name)?.i ?? fallback;

/** A float attribute, or `fallback` when absent. */
export const floatAttr = (node: NodeProto, name: string, fallback: number): number =>
  find(node, name)?.f ?? fallback;

/** An ints attribute, or `fallback` when absent. */
export function intsAttr(
  node: NodeProto,
  name: string,
  fallback: readonly number[],
): readonly number[] {
  const a = find(node, name);
  return a === undefined ? fallback : a.ints;
}

/** A string attribute, or `fallback` when absent. */
export function stringAttr(node: NodeProto, name: string, fallback: string): string {
  const s = find(node, name)?.s;
  return s === undefined ? fallback : new TextDecoder().decode(s);
}
