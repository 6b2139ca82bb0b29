/** The blocks the Train page offers, with their labels (no tfjs here: the page thread imports it). */
export const trainBlocks = {
  conv: 'Conv + BN',
  acb: 'ACB (ACNet)',
  repvgg: 'RepVGG',
  dbb: 'DBB',
  mobileone: 'MobileOne (k = 2)',
  refconv: 'RefConv',
  wn: 'WN (weight norm)',
  cwn: 'CWN (centred)',
  own: 'OWN (orthogonal)',
} as const;

/** One of {@link trainBlocks}. */
export type TrainBlock = keyof typeof trainBlocks;
