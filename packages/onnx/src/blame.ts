import type { PassContext } from './context.js';
import { VerificationError } from './errors.js';
import type { RegionReport, Rewrite } from './plan.js';
import type { VerifyResult } from './verify.js';

/**
 * The error for a failed verification. Errors propagate downstream, so it blames the first
 * collapsed region (in graph order) whose own output is already off while its input is not; if
 * none is, the difference grows in nodes that were not changed, or in the nodes rewritten for
 * a newer opset (`upgraded`). `regionOf` maps a rewrite's region to its report.
 */
export function verificationFailure(
  ctx: PassContext,
  rewrites: readonly Rewrite[],
  regionOf: (rewrite: Rewrite) => RegionReport | undefined,
  verification: VerifyResult,
  upgraded: { readonly to: number; readonly rewritten: readonly string[] } = {
    to: 0,
    rewritten: [],
  },
): VerificationError {
  const off = new Map(verification.intermediates.map((d) => [d.name, d]));
  const fine = (t: string) => !(off.get(t)!.relative > verification.tolerance);
  const position = (t: string) => ctx.index.order.indexOf(ctx.index.producer.get(t) ?? -1);
  const culprit = [...rewrites]
    .sort((a, b) => position(a.to) - position(b.to))
    .find((r) => (ctx.index.inputs.has(r.from) || fine(r.from)) && !fine(r.to));
  const bad = culprit === undefined ? undefined : off.get(culprit.to);
  const region = culprit === undefined ? undefined : regionOf(culprit);
  const nodes = upgraded.rewritten;
  const where =
    region === undefined
      ? nodes.length > 0
        ? `; each collapsed region matches given its own input; the nodes rewritten for opset ${upgraded.to} (${nodes.slice(0, 5).join(', ')}${nodes.length > 5 ? ', ...' : ''}) may be at fault: convert without --opset to tell`
        : '; each collapsed region matches given its own input; the difference grows in unchanged nodes (an ill-conditioned model?)'
      : `; first region off: ${region.id} (${region.kind}, ${region.input} -> ${region.output}) by ${bad!.relative.toExponential(2)}`;
  const { worst } = verification;
  return new VerificationError(
    `convertModel: output '${worst.name}' differs by ${worst.relative.toExponential(2)} x max|y| (tolerance ${verification.tolerance})${where}`,
    worst.name,
    region === undefined ? undefined : `${region.id}`,
    worst.relative,
  );
}
