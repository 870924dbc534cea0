// What staking earns (SPEC §4) at today's totals: every active sVVV shares `emission_rate` VVV a
// second, less the treasury's cut of its kind (unlocked or locked), for as long as the reward
// reserve lasts. An estimate: it moves whenever anyone stakes, unstakes or the rate changes.
import { BPS_DENOMINATOR, SECONDS_PER_DAY } from './idl.generated.js';
import type { Config } from './generated/index.js';

const SECONDS_PER_YEAR = 365n * SECONDS_PER_DAY;

export type YieldEstimate = {
  /** Yearly VVV per staked VVV, in basis points, for unlocked and for locked sVVV. */
  aprUnlockedBps: bigint;
  aprLockedBps: bigint;
  /** VVV base units a day to this holder's unlocked and locked sVVV together. */
  holderPerDay: bigint;
  /** Seconds of emissions the reserve still funds (`null` when nothing is emitted). */
  fundedSecs: bigint | null;
};

/** The estimate for a holder with `unlocked` and `locked` sVVV (base units), already staked. */
export function yieldEstimate(config: Config, unlocked: bigint, locked: bigint): YieldEstimate {
  const { emissionRate: rate, treasuryShareUnlockedBps: su, treasuryShareLockedBps: sl } = config.params;
  const total = config.pool.totalActive;
  const bps = BigInt(BPS_DENOMINATOR);
  const keep = (share: number) => bps - BigInt(share);
  const apr = (share: number) => (total === 0n ? 0n : (rate * SECONDS_PER_YEAR * keep(share)) / total);
  const holderPerDay = total === 0n ? 0n : (rate * SECONDS_PER_DAY * (unlocked * keep(su) + locked * keep(sl))) / (total * bps);
  return {
    aprUnlockedBps: apr(su),
    aprLockedBps: apr(sl),
    holderPerDay,
    fundedSecs: rate === 0n ? null : config.pool.rewardReserve / rate,
  };
}
