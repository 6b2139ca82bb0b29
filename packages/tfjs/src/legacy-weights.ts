import * as tf from '@tensorflow/tfjs';

/** A saved model's weights are in an older naming that {@link upgradeLegacyWeights} cannot map. */
export class LegacyWeightsError extends Error {
  override readonly name = 'LegacyWeightsError';
  constructor(
    message: string,
    /** The layer whose weights could not be mapped. */
    readonly layer: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const BN_FIELDS = ['gamma', 'beta', 'moving_mean', 'moving_variance'] as const;

/** One layer's weights, by their names inside the layer (`square_bn_gamma`). */
interface LayerWeights {
  has(name: string): boolean;
  take(name: string): tf.Tensor;
  put(name: string, value: tf.Tensor): void;
}

/**
 * The branch batch-norms `prefixes` stacked, branch-major, into the one `bn` set of a fused
 * block: the first `required` must be there, the others are taken when present.
 */
function stackBatchNorms(w: LayerWeights, prefixes: readonly string[], required: number): void {
  const present = prefixes.filter((p, i) => i < required || w.has(`${p}_gamma`));
  for (const field of BN_FIELDS) {
    w.put(`bn_${field}`, tf.concat(present.map((p) => w.take(`${p}_${field}`))));
  }
}

/** Layer class -> rewrite from the names before the fused batch-norm change (one `bn` per block). */
const upgrades: Record<string, { marker: string; upgrade: (w: LayerWeights) => void }> = {
  ACBlock: {
    marker: 'square_bn_gamma',
    upgrade: (w) => stackBatchNorms(w, ['square_bn', 'horizontal_bn', 'vertical_bn'], 3),
  },
  RepVGGBlock: {
    marker: 'dense_bn_gamma',
    upgrade: (w) => stackBatchNorms(w, ['dense_bn', 'pointwise_bn', 'identity_bn'], 1),
  },
  DiverseBranchBlock: {
    marker: 'origin_bn_gamma',
    upgrade: (w) => {
      // The pointwise branch (absent when depthwise) sits between origin and avg.
      const names = ['origin_bn', ...(w.has('pointwise_bn_gamma') ? ['pointwise_bn'] : [])];
      stackBatchNorms(w, [...names, 'avg_bn', 'kxk_bn'], 4);
    },
  },
  MobileOneBlock: {
    marker: 'branch0_kernel',
    upgrade: (w) => {
      const kernels: tf.Tensor[] = [];
      for (let b = 0; w.has(`branch${b}_kernel`); b++) kernels.push(w.take(`branch${b}_kernel`));
      const [kh, kw, c, m] = kernels[0].shape;
      // The k kernels as one conv's output channels: [kh, kw, c, k * m], branch-major per input
      // channel (dense: c's outputs are all m; depthwise: m multipliers per channel).
      w.put('branches_kernel', tf.reshape(tf.stack(kernels, 3), [kh, kw, c, kernels.length * m]));
      const stacked = (field: string): tf.Tensor => {
        const parts = kernels.map((_, b) => w.take(`branch${b}_bn_${field}`));
        const groups = (parts[0].shape[0] ?? 0) / m;
        return tf.reshape(
          tf.stack(
            parts.map((p) => tf.reshape(p, [groups, m])),
            1,
          ),
          [-1],
        );
      };
      const rest = ['scale_bn', 'skip_bn'].filter((p) => w.has(`${p}_gamma`));
      for (const field of BN_FIELDS) {
        const first = stacked(field);
        w.put(`bn_${field}`, tf.concat([first, ...rest.map((p) => w.take(`${p}_${field}`))]));
      }
    },
  },
};

/** `[name, className]` of every layer in a saved topology (nested models included). */
function layerClasses(topology: unknown, out: [string, string][] = []): [string, string][] {
  if (Array.isArray(topology)) {
    for (const t of topology) layerClasses(t, out);
  } else if (typeof topology === 'object' && topology !== null) {
    const node = topology as { class_name?: unknown; config?: { name?: unknown } };
    if (typeof node.class_name === 'string' && typeof node.config?.name === 'string') {
      out.push([node.config.name, node.class_name]);
    }
    for (const v of Object.values(topology)) layerClasses(v, out);
  }
  return out;
}

/**
 * The same artifacts with the weights of `ACBlock`, `RepVGGBlock`, `DiverseBranchBlock` and
 * `MobileOneBlock` layers saved before the fused batch-norm change (one batch-norm per branch,
 * MobileOne's kernels one per branch) renamed and stacked as the current layers store them.
 * Artifacts in the current naming come back unchanged.
 */
export async function upgradeLegacyArtifacts(
  artifacts: tf.io.ModelArtifacts,
): Promise<tf.io.ModelArtifacts> {
  const specs = artifacts.weightSpecs;
  if (specs === undefined || artifacts.weightData === undefined) return artifacts;
  const present = new Set(specs.map((s) => s.name));
  const legacy = layerClasses(artifacts.modelTopology).filter(
    ([name, cls]) => upgrades[cls] !== undefined && present.has(`${name}/${upgrades[cls].marker}`),
  );
  if (legacy.length === 0) return artifacts;
  const weights = tf.io.decodeWeights(artifacts.weightData, specs);
  const taken: tf.Tensor[] = [];
  try {
    for (const [layer, cls] of legacy) {
      const w: LayerWeights = {
        has: (n) => weights[`${layer}/${n}`] !== undefined,
        take: (n) => {
          const t = weights[`${layer}/${n}`];
          if (t === undefined) {
            throw new LegacyWeightsError(
              `upgradeLegacyWeights: layer '${layer}' (${cls}) is in the old naming but has no weight '${n}'; ` +
                `load it with the @reparam/tfjs version that saved it and save its deploy form (reparameterize), or retrain it`,
              layer,
            );
          }
          delete weights[`${layer}/${n}`];
          taken.push(t);
          return t;
        },
        put: (n, v) => {
          weights[`${layer}/${n}`] = v;
        },
      };
      tf.tidy(() => {
        upgrades[cls].upgrade(w);
        for (const [k, v] of Object.entries(weights)) if (k.startsWith(`${layer}/`)) tf.keep(v);
      });
    }
    const { data, specs: newSpecs } = await tf.io.encodeWeights(weights);
    return { ...artifacts, weightSpecs: newSpecs, weightData: data };
  } finally {
    tf.dispose([...taken, ...Object.values(weights)]);
  }
}

/**
 * Wraps a load handler so that `tf.loadLayersModel` reads models saved by `@reparam/tfjs`
 * before its fused batch-norm change, whose block weights were one batch-norm per branch
 * (`acb/square_bn_gamma`, ...; tfjs alone refuses them with "Provided weight data has no target
 * variable"). The outputs are the same; see {@link upgradeLegacyArtifacts}.
 *
 * @example
 * const model = await tf.loadLayersModel(upgradeLegacyWeights(tf.io.browserHTTPRequest(url)));
 */
export function upgradeLegacyWeights(handler: tf.io.IOHandler): tf.io.IOHandler {
  const load = handler.load?.bind(handler);
  if (load === undefined) {
    throw new TypeError('upgradeLegacyWeights: the handler has no load(); pass a load handler');
  }
  return { load: async () => upgradeLegacyArtifacts(await load()) };
}
