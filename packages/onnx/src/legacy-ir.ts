import { valueInfo } from './builder.js';
import type { ModelProto } from './proto.js';

/**
 * Models of IR version 3 and older must list every initializer as a graph input too (the
 * checker and onnxruntime require it): returns the model with an input entry (type and dims)
 * added for each initializer that has none. Newer models are returned as they are.
 */
export function withInitializerInputs(model: ModelProto): ModelProto {
  if ((model.irVersion ?? 8) >= 4) return model;
  const graph = model.graph!;
  const listed = new Set(graph.input.map((v) => v.name));
  const extra = graph.initializer
    .filter((t) => !listed.has(t.name))
    .map((t) => valueInfo(t.name ?? '', t.dims, t.dataType ?? 1));
  return extra.length === 0
    ? model
    : { ...model, graph: { ...graph, input: [...graph.input, ...extra] } };
}
