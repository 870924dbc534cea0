// What a holder sees of their stake: one view of the position, the DIEM stake and the pool.
import type { Config, DiemStake, Position } from './generated/index.js';
import { averageRate } from './quote.js';
import { pendingRewards } from './rewards.js';

export type Cooldown = { amount: bigint; endsAt: bigint; ready: boolean };

export type PositionView = {
  svvvActive: bigint;
  svvvLocked: bigint;
  svvvUnlocked: bigint;
  svvvCooldown: Cooldown | null;
  diemOutstanding: bigint;
  diemStaked: bigint;
  diemCooldown: Cooldown | null;
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
  const cooldown = (amount: bigint, endsAt: bigint): Cooldown | null =>
    amount > 0n ? { amount, endsAt, ready: now >= endsAt } : null;
  return {
    svvvActive: active,
    svvvLocked: locked,
    svvvUnlocked: active > locked ? active - locked : 0n,
    svvvCooldown: b ? cooldown(b.cooldownAmount, b.cooldownEnd) : null,
    diemOutstanding: b?.outstandingDiem ?? 0n,
    diemStaked: diemStake?.balances.staked ?? 0n,
    diemCooldown: diemStake ? cooldown(diemStake.balances.cooldownAmount, diemStake.balances.cooldownEnd) : null,
    pendingRewards: b ? pendingRewards(b, config.pool, config.params, now) : 0n,
    averageLockRate: b ? averageRate(locked, b.outstandingDiem) : null,
  };
}
