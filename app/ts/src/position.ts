// What a holder sees of their stake: one view of the position, their own DIEM stake and the
// pool. Unstake requests are tickets of their own (tickets.ts).
import type { Config, DiemStake, Position } from './generated/index.js';
import { averageRate } from './quote.js';
import { pendingRewards } from './rewards.js';

export type PositionView = {
  svvvActive: bigint;
  svvvLocked: bigint;
  svvvUnlocked: bigint;
  diemOutstanding: bigint;
  /** DIEM in the stake shown (the owner's own unless another is passed). */
  diemStaked: bigint;
  /** Who that stake credits. */
  diemBeneficiary: string | null;
  /** VVV base units `claim_rewards` would pay now. */
  pendingRewards: bigint;
  /** sVVV locked per whole DIEM outstanding (VVV base units); `null` with no DIEM outstanding. */
  averageLockRate: bigint | null;
};

/** The view at `now` (unix seconds); a missing account reads as empty. */
export function positionView(config: Config, position: Position | null, diemStake: DiemStake | null, now: bigint): PositionView {
  const b = position?.balances;
  const active = b?.active ?? 0n;
  const locked = b?.locked ?? 0n;
  return {
    svvvActive: active,
    svvvLocked: locked,
    svvvUnlocked: active > locked ? active - locked : 0n,
    diemOutstanding: b?.outstandingDiem ?? 0n,
    diemStaked: diemStake?.staked ?? 0n,
    diemBeneficiary: diemStake ? diemStake.beneficiary : null,
    pendingRewards: b ? pendingRewards(b, config.pool, config.params, now) : 0n,
    averageLockRate: b ? averageRate(locked, b.outstandingDiem) : null,
  };
}
