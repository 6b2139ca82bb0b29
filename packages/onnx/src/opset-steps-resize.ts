import { floatAttr, stringAttr } from './attributes.js';
import { floats } from './builder.js';
import { attr, without, withAttr, type Step } from './opset-step.js';
import { floatTensor } from './tensor.js';

// Upsample (deprecated at opset 10) and Resize-10 sample at x_out / scale ("asymmetric"), and
// nearest mode takes the floor of it when upsampling; Resize-11 makes both explicit attributes.

/** Upsample-7: `height_scale` and `width_scale` (4-D only) become `scales`; `bilinear` is `linear`. */
export const upsampleScales: Step = (c) => {
  const mode = stringAttr(c.node, 'mode', 'nearest');
  const h = floatAttr(c.node, 'height_scale', 1);
  const w = floatAttr(c.node, 'width_scale', 1);
  return withAttr(
    withAttr(without(c.node, 'height_scale', 'width_scale'), 'scales', floats([1, 1, h, w])),
    'mode',
    mode === 'bilinear' ? 'linear' : mode,
  );
};

/** Upsample-9: the `scales` attribute becomes a float32 input. */
export const upsampleScalesToInput: Step = (c) => {
  const scales = attr(c.node, 'scales')?.floats ?? [];
  const input = c.constant('scales', floatTensor('', [scales.length], scales));
  return { ...without(c.node, 'scales'), input: [c.node.input[0], input] };
};

/** Upsample-10 is deprecated: the same computation is Resize-10 (X, scales; mode). */
export const upsampleToResize: Step = (c) => ({ ...c.node, opType: 'Resize' });

/**
 * Resize-11: Resize-10 (and Upsample) sample at x_out / scale, rounding down in nearest mode:
 * `asymmetric` coordinates, `floor` nearest mode; `roi` is new (empty). Exact for scales of at
 * least 1, all Upsample allows; Resize-10 does not say how nearest rounds when it shrinks
 * (onnxruntime rounds up), so its smaller or unknown scales are refused.
 */
export const resizeExplicitModes: Step = (c) => {
  const [x, scales] = c.node.input;
  const mode = stringAttr(c.node, 'mode', 'nearest');
  if (mode !== 'nearest' && mode !== 'linear') return c.refuse(`mode '${mode}' is not defined`);
  const values = c.facts(scales ?? '').values;
  if (values === undefined && c.origin !== 'Upsample')
    return c.refuse(
      `its scales '${scales ?? ''}' are not known before running it, and Resize-10 rounds differently from later versions when a scale is below 1`,
    );
  const small = Array.from(values ?? [], Number).filter((s) => !(s >= 1));
  if (small.length > 0)
    return c.refuse(
      `a scale is below 1 (${small.join(', ')}): Resize-10 does not define how it rounds when shrinking`,
    );
  const roi = c.target >= 13 ? '' : c.constant('roi', floatTensor('', [0], []));
  const node = withAttr(c.node, 'coordinate_transformation_mode', 'asymmetric');
  return {
    ...(mode === 'nearest' ? withAttr(node, 'nearest_mode', 'floor') : node),
    input: [x, roi, scales],
  };
};

/** Resize-13 drops the `tf_half_pixel_for_nn` coordinates, which no later mode reproduces. */
export const resizeWithoutTfHalfPixel: Step = (c) => {
  const mode = stringAttr(c.node, 'coordinate_transformation_mode', 'half_pixel');
  if (mode === 'tf_half_pixel_for_nn')
    return c.refuse(
      "coordinate_transformation_mode 'tf_half_pixel_for_nn' was removed in Resize-13",
    );
  return c.node;
};
