import { valueInfo } from '../builder.js';
import type { AttributeProto, GraphProto, NodeProto } from '../proto.js';

/** A subgraph (If branch, Loop body) from nodes; its outputs are float tensors of unknown shape. */
export function subgraph(
  name: string,
  node: NodeProto[],
  outputs: readonly string[],
  inputs: GraphProto['input'] = [],
): GraphProto {
  return {
    name,
    node,
    initializer: [],
    input: inputs,
    output: outputs.map((o) => {
      const info = valueInfo(o, []);
      delete info.type?.tensorType?.shape;
      return info;
    }),
    valueInfo: [],
  };
}

/** A graph-valued attribute (`then_branch`, `body`...). */
export const graphAttribute = (name: string, g: GraphProto): AttributeProto => ({
  name,
  type: 5,
  g,
  floats: [],
  ints: [],
  strings: [],
  tensors: [],
  graphs: [],
});

/** A node of one output. */
export const node = (
  name: string,
  opType: string,
  input: string[],
  output: string,
  attribute: AttributeProto[] = [],
): NodeProto => ({ name, opType, domain: '', input, output: [output], attribute });

/** `If(cond)` whose branches both return `Identity(read)`, nested `depth` levels deep. */
export function ifReading(read: string, cond: string, out: string, depth: number): NodeProto {
  const branch = (tag: string, level: number): GraphProto => {
    const o = `${out}_${tag}${level}`;
    return subgraph(
      `${tag}${level}`,
      [
        level === 1
          ? node(`id_${tag}${level}`, 'Identity', [read], o)
          : ifNode(`if_${tag}${level}`, level - 1, o),
      ],
      [o],
    );
  };
  const ifNode = (name: string, level: number, o: string): NodeProto =>
    node(name, 'If', [cond], o, [
      graphAttribute('then_branch', branch('then', level)),
      graphAttribute('else_branch', branch('else', level)),
    ]);
  return ifNode(`if_${depth}`, depth, out);
}

/**
 * `If(cond)` whose then branch runs a `Loop` with no trip count and a condition that stays true
 * (it never ends), carrying `value` through; the else branch returns `value`.
 */
export function ifWithEndlessLoop(value: string, cond: string, out: string): NodeProto {
  const scalar = (name: string, elemType: number) => valueInfo(name, [], elemType);
  const body = subgraph(
    'body',
    [node('keep', 'Identity', ['c_in'], 'c_out'), node('carry', 'Identity', ['v_in'], 'v_out')],
    ['c_out', 'v_out'],
    [scalar('i', 7), scalar('c_in', 9), { name: 'v_in' }],
  );
  body.output[0] = scalar('c_out', 9);
  const then = subgraph(
    'then',
    [node('endless', 'Loop', ['', cond, value], 'looped', [graphAttribute('body', body)])],
    ['looped'],
  );
  const otherwise = subgraph('else', [node('same', 'Identity', [value], 'kept')], ['kept']);
  return node('if_loop', 'If', [cond], out, [
    graphAttribute('then_branch', then),
    graphAttribute('else_branch', otherwise),
  ]);
}
