import { attribute } from './builder.js';
import { OpsetUpgradeError, UsageError, type RefusedNode } from './errors.js';
import { nodeLabel } from './graph.js';
import { checkedOpset, SUPPORTED_OPSETS } from './opset.js';
import { makeNode, type StepContext, type TensorFacts } from './opset-step.js';
import { UPGRADE_STEPS } from './opset-steps.js';
import { irVersionOf, OPERATOR_VERSIONS, operatorVersion } from './opset-versions.js';
import { modelFacts, namesOf, tensorFacts, usedNames } from './opset-facts.js';
import type { AttributeProto, GraphProto, ModelProto, NodeProto, OpsetId } from './proto.js';

/** Options of {@link upgradeOpset}. */
export interface UpgradeOptions {
  /**
   * What is known of tensors beyond the model's declarations (e.g. dims and values from a run):
   * some steps need a dim, an element type or a constant's values.
   */
  facts?: (name: string) => TensorFacts | undefined;
}

/** What {@link upgradeOpset} did. */
export interface OpsetUpgrade {
  readonly model: ModelProto;
  /** The model's own opset of the default domain. */
  readonly from: number;
  /** The opset it is written at now. */
  readonly to: number;
  /** Labels of the nodes whose form changed. */
  readonly rewritten: readonly string[];
}

const isDefaultDomain = (domain: string | undefined) =>
  (domain ?? '') === '' || domain === 'ai.onnx';

/**
 * Checks that `opset` is a version of the default domain a model at `own` can be written at:
 * an integer from its own opset to the newest one this package knows. Throws {@link UsageError}.
 */
export function checkTargetOpset(own: number, opset: number, where: string): void {
  const high = SUPPORTED_OPSETS[1];
  if (!Number.isSafeInteger(opset) || opset < own || opset > high)
    throw new UsageError(
      `${where}: cannot write the model at opset ${opset}: it is at opset ${own}, and it can be written at its own opset or a newer one, ${own}-${high}${opset < own ? ' (an older opset would drop what newer operator versions mean)' : ''}`,
    );
}

/**
 * Writes a model at a newer opset of the default domain: each node of that domain (subgraphs
 * included) crosses every version of its operator between the model's opset and `opset`, its
 * attributes, inputs and outputs rewritten where the operator's form changed (attributes that
 * became inputs, Upsample -> Resize, Softmax's 2-D coercion...). The IR version is raised to
 * the one of `opset` when lower. Nodes whose old meaning the new version cannot state exactly
 * are refused, all of them at once: {@link OpsetUpgradeError} naming each node, its operator and
 * why. An older opset is a {@link UsageError}. Other domains are kept.
 */
export function upgradeOpset(
  model: ModelProto,
  opset: number,
  options: UpgradeOptions = {},
): OpsetUpgrade {
  const from = checkedOpset(model, 'upgradeOpset');
  checkTargetOpset(from, opset, 'upgradeOpset');
  if (opset === from) return { model, from, to: opset, rewritten: [] };
  const functions = (model as { functions?: { opsetImport?: OpsetId[] }[] }).functions ?? [];
  if (functions.some((f) => (f.opsetImport ?? []).some((o) => isDefaultDomain(o.domain))))
    throw new UsageError(
      `upgradeOpset: the model's functions import the default domain; their bodies are not upgraded, so it stays at opset ${from}`,
    );
  const graph = model.graph!;
  const taken = namesOf(graph);
  const declared = modelFacts(graph, options.facts);
  const made = new Map<string, TensorFacts>();
  const env: Env = {
    from,
    to: opset,
    facts: (name) => made.get(name) ?? declared(name),
    made,
    used: usedNames(graph),
    fresh: (hint) => {
      let name = hint;
      for (let k = 1; taken.has(name); k++) name = `${hint}_${k}`;
      taken.add(name);
      return name;
    },
    rewritten: [],
    refused: [],
  };
  const upgraded = upgradeGraph(graph, env);
  if (env.refused.length > 0) throw refusal(env.refused, from, opset);
  return {
    model: {
      ...model,
      irVersion: Math.max(model.irVersion ?? 3, irVersionOf(opset)),
      opsetImport: model.opsetImport.map((o) =>
        isDefaultDomain(o.domain) ? { ...o, version: opset } : o,
      ),
      graph: upgraded,
    },
    from,
    to: opset,
    rewritten: env.rewritten,
  };
}

/**
 * The tensors {@link upgradeOpset} may want facts of (dims, element type, values) to write
 * `model` at `opset`: the inputs of the top graph's nodes whose operator changes form on the way.
 */
export function upgradeReads(model: ModelProto, opset: number): Set<string> {
  const from = checkedOpset(model, 'upgradeReads');
  const reads = new Set<string>();
  for (const node of model.graph!.node) {
    if (!isDefaultDomain(node.domain)) continue;
    const op = node.opType ?? '';
    const crossed = (OPERATOR_VERSIONS[op] ?? []).filter((v) => v > from && v <= opset);
    if (crossed.some((v) => UPGRADE_STEPS.has(`${op}-${v}`)))
      for (const i of node.input) reads.add(i);
  }
  return reads;
}

interface Env {
  readonly from: number;
  readonly to: number;
  readonly facts: (name: string) => TensorFacts;
  /** Facts of the constants the steps add. */
  readonly made: Map<string, TensorFacts>;
  readonly used: ReadonlySet<string>;
  readonly fresh: (hint: string) => string;
  readonly rewritten: string[];
  /** Nodes refused so far, with the first operator version each cannot cross. */
  readonly refused: (RefusedNode & { readonly version: number })[];
}

/** Thrown by a step's `refuse`; collected so that every refused node is named at once. */
class NodeRefusal extends Error {
  constructor(readonly refused: RefusedNode & { readonly version: number }) {
    super(`${refused.node} (${refused.operator}): ${refused.why}`);
  }
}

function refusal(refused: Env['refused'], from: number, to: number): OpsetUpgradeError {
  const highest = Math.min(...refused.map((r) => r.version - 1));
  const listed = refused
    .slice(0, 10)
    .map((r) => `node '${r.node}' (${r.operator}): ${r.why}`)
    .join('; ');
  const more = refused.length > 10 ? `; and ${refused.length - 10} more` : '';
  const n = refused.length;
  return new OpsetUpgradeError(
    `upgradeOpset: ${n} node${n === 1 ? '' : 's'} cannot be written at opset ${to} exactly: ${listed}${more}; keep the model's own opset ${from}${highest > from ? `, or write it at opset ${highest} at most` : ''}`,
    refused.map(({ node, operator, why }) => ({ node, operator, why })),
    highest,
  );
}

function upgradeGraph(graph: GraphProto, env: Env): GraphProto {
  const nodes: NodeProto[] = [];
  const dropped = new Set<string>();
  graph.node.forEach((original, i) => {
    const node = withUpgradedSubgraphs(original, env);
    if (!isDefaultDomain(node.domain)) {
      nodes.push(node);
      return;
    }
    let out: NodeProto[];
    try {
      out = upgradeNode(node, nodeLabel(original, i), env);
    } catch (e) {
      if (!(e instanceof NodeRefusal)) throw e;
      env.refused.push(e.refused);
      out = [node];
    }
    for (const o of node.output)
      if (o !== '' && !out.some((n) => n.output.includes(o))) dropped.add(o);
    if (out.length !== 1 || !sameNode(out[0], node)) env.rewritten.push(nodeLabel(original, i));
    nodes.push(...out);
  });
  return {
    ...graph,
    node: nodes,
    valueInfo: graph.valueInfo.filter((v) => !dropped.has(v.name ?? '')),
  };
}

/** Whether a step gave back the node as it was (a step may rebuild a node it does not change). */
const sameNode = (a: NodeProto, b: NodeProto): boolean =>
  a === b || JSON.stringify(a) === JSON.stringify(b);

function withUpgradedSubgraphs(node: NodeProto, env: Env): NodeProto {
  if (!node.attribute.some((a) => a.g !== undefined || a.graphs.length > 0)) return node;
  const attributes: AttributeProto[] = node.attribute.map((a) => ({
    ...a,
    g: a.g === undefined ? undefined : upgradeGraph(a.g, env),
    graphs: a.graphs.map((g) => upgradeGraph(g, env)),
  }));
  return { ...node, attribute: attributes };
}

/** The node crossing each version of its operator up to the target: the nodes that replace it. */
function upgradeNode(original: NodeProto, label: string, env: Env): NodeProto[] {
  let node = original;
  let at = env.from;
  const before: NodeProto[] = [];
  const after: NodeProto[] = [];
  if (operatorVersion(node.opType ?? '', at) === undefined)
    throw new NodeRefusal({
      node: label,
      operator: node.opType ?? '',
      why: `opset ${at} of the default domain defines no such operator (an experimental or a later one)`,
      version: at + 1,
    });
  for (;;) {
    const op = node.opType ?? '';
    const version = OPERATOR_VERSIONS[op]?.find((v) => v > at && v <= env.to);
    if (version === undefined) break;
    const step = UPGRADE_STEPS.get(`${op}-${version}`);
    if (step !== undefined) {
      const operator = `${op}-${operatorVersion(op, at) ?? '?'}`;
      const result = step(
        stepContext(node, original.opType ?? '', operator, version, label, env, before),
      );
      if ('after' in result) {
        node = result.node;
        after.push(...result.after);
      } else node = result;
    }
    at = version;
  }
  return [...before, node, ...after];
}

function stepContext(
  node: NodeProto,
  origin: string,
  operator: string,
  version: number,
  label: string,
  env: Env,
  before: NodeProto[],
): StepContext {
  const base = node.name !== undefined && node.name !== '' ? node.name : (node.output[0] ?? 'node');
  return {
    node,
    version,
    origin,
    target: env.to,
    facts: env.facts,
    used: (name) => env.used.has(name),
    fresh: env.fresh,
    constant(hint, tensor) {
      const out = env.fresh(`${base}_${hint}`);
      env.made.set(out, tensorFacts(tensor));
      before.push(
        makeNode(out, 'Constant', [], [out], [attribute('value', { ...tensor, name: out })]),
      );
      return out;
    },
    add(op, inputs, attributes) {
      const out = env.fresh(`${base}_${op.toLowerCase()}`);
      before.push(makeNode(out, op, inputs, [out], attributes));
      return out;
    },
    refuse(why) {
      throw new NodeRefusal({ node: label, operator, why, version });
    },
  };
}
