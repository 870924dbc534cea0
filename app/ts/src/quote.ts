// The mint quote, to the base unit what the program computes (`diem::math::curve::quote_mint`):
// the same bucket walk, the same roundings (a bucket's cost rounded up, DIEM bought rounded
// down), the same refusals. Tests compare it with the program's `quote_mint` on LiteSVM.
import type { CurveEntry } from './generated/index.js';
import { ONE_DIEM } from './idl.generated.js';

const U64_MAX = (1n << 64n) - 1n;

/** What a lock of `svvvLocked` buys at `supplyBefore` outstanding DIEM. */
export type MintQuote = {
  svvvLocked: bigint;
  diemOut: bigint;
  supplyBefore: bigint;
  supplyAfter: bigint;
  /** VVV base units per whole DIEM in the last bucket the lock reaches. */
  marginalRate: bigint;
  bucketsFilled: number;
};

/** Why the program would refuse the quote, by its error name. */
export class QuoteError extends Error {
  constructor(
    readonly code:
      | 'SupplyCapReached'
      | 'CurveRateZero'
      | 'CurveRateAboveCap'
      | 'CurveBoundsNotIncreasing'
      | 'MathOverflow',
  ) {
    super(code);
    this.name = 'QuoteError';
  }
}

const ceilDiv = (n: bigint, d: bigint) => (n + d - 1n) / d;

/** `quote_mint(entries, supply, svvvAmount)`: the curve walk of the program. */
export function quoteMint(entries: readonly CurveEntry[], supply: bigint, svvvAmount: bigint): MintQuote {
  const quote: MintQuote = {
    svvvLocked: svvvAmount,
    diemOut: 0n,
    supplyBefore: supply,
    supplyAfter: 0n,
    marginalRate: 0n,
    bucketsFilled: 0,
  };
  let first = entries.findIndex((e) => e.supplyBound > supply);
  if (first < 0) first = entries.length;
  let current = supply;
  let remaining = svvvAmount;
  let settled = false;
  for (let index = first; index < entries.length; index++) {
    const { supplyBound, rate } = entries[index];
    if (rate > U64_MAX) throw new QuoteError('CurveRateAboveCap');
    if (rate === 0n) throw new QuoteError('CurveRateZero');
    const room = supplyBound - current;
    if (room < 0n) throw new QuoteError('CurveBoundsNotIncreasing');
    // The program reads a full bucket's cost from its precomputed table (the same ceiling,
    // saturated at u64::MAX); saturation never changes the comparison with a u64 remainder.
    const cost = ceilDiv(rate * room, ONE_DIEM);
    quote.marginalRate = rate;
    if (cost >= remaining) {
      const affordable = (remaining * ONE_DIEM) / rate;
      const bought = affordable < room ? affordable : room;
      quote.diemOut += bought;
      if (bought === room) quote.bucketsFilled += 1;
      settled = true;
      break;
    }
    remaining -= cost;
    quote.diemOut += room;
    quote.bucketsFilled += 1;
    current = supplyBound;
  }
  if (quote.diemOut > U64_MAX) throw new QuoteError('MathOverflow');
  if (!settled) throw new QuoteError('SupplyCapReached');
  quote.supplyAfter = supply + quote.diemOut;
  if (quote.supplyAfter > U64_MAX) throw new QuoteError('MathOverflow');
  return quote;
}

/** The `min_diem_out` that accepts at most `slippageBps` less than `diemOut` (rounded down). */
export function minDiemOut(diemOut: bigint, slippageBps: number): bigint {
  if (!Number.isInteger(slippageBps) || slippageBps < 0 || slippageBps > 10_000) {
    throw new RangeError(`slippage must be 0 to 10,000 basis points, not ${slippageBps}`);
  }
  return (diemOut * BigInt(10_000 - slippageBps)) / 10_000n;
}

/** sVVV locked per whole DIEM (VVV base units), as `diem position` reports the average lock rate. */
export function averageRate(svvv: bigint, diem: bigint): bigint | null {
  return diem === 0n ? null : (svvv * ONE_DIEM) / diem;
}

/** sVVV a burn of `amount` DIEM releases from a position (SPEC §6): its own average, the last
 * burn everything. `null` when the position cannot burn that much. */
export function quoteBurn(locked: bigint, outstanding: bigint, amount: bigint): bigint | null {
  if (amount === 0n || amount > outstanding) return null;
  return amount === outstanding ? locked : (amount * locked) / outstanding;
}
