// Rewards pending for a position as of a moment, as the program would settle them there
// (`diem::math::rewards::accrue` then `Position::pending_rewards_at`), all in bigint.
import type { Params, Pool, PositionBalances } from './generated/index.js';
import { REWARD_SCALE } from './idl.generated.js';

const BPS = 10_000n;
const U64_MAX = (1n << 64n) - 1n;

/** The pool's accumulators brought up to `now` (unix seconds) with `params`. */
export function accruePool(pool: Pool, params: Params, now: bigint): Pool {
  const elapsed = now > pool.lastAccrualTs ? now - pool.lastAccrualTs : 0n;
  if (elapsed === 0n || pool.totalActive === 0n) return { ...pool, lastAccrualTs: elapsed === 0n ? pool.lastAccrualTs : now };
  const scheduled = elapsed * params.emissionRate;
  const emitted = scheduled < pool.rewardReserve ? scheduled : pool.rewardReserve;
  const unlockedUnits = pool.totalActive - pool.totalLocked;
  const lockedPart = (emitted * pool.totalLocked) / pool.totalActive;
  const unlockedPart = emitted - lockedPart;
  const holdersUnlocked = (unlockedPart * (BPS - BigInt(params.treasuryShareUnlockedBps))) / BPS;
  const holdersLocked = (lockedPart * (BPS - BigInt(params.treasuryShareLockedBps))) / BPS;
  const toTreasury = unlockedPart - holdersUnlocked + (lockedPart - holdersLocked);
  return {
    ...pool,
    rewardReserve: pool.rewardReserve - emitted,
    treasuryAccrued: pool.treasuryAccrued + toTreasury,
    unclaimedRewards: pool.unclaimedRewards + holdersUnlocked + holdersLocked,
    accUnlocked: pool.accUnlocked + (unlockedUnits > 0n ? (holdersUnlocked * REWARD_SCALE) / unlockedUnits : 0n),
    accLocked: pool.accLocked + (pool.totalLocked > 0n ? (holdersLocked * REWARD_SCALE) / pool.totalLocked : 0n),
    lastAccrualTs: now,
  };
}

function earned(units: bigint, acc: bigint, snapshot: bigint): bigint {
  const delta = acc - snapshot;
  if (delta < 0n) throw new RangeError('accumulator below the position snapshot');
  const value = (units * delta) / REWARD_SCALE;
  if (value > U64_MAX) throw new RangeError('rewards overflow u64');
  return value;
}

/** VVV base units `claim_rewards` would pay the position at `now`. */
export function pendingRewards(position: PositionBalances, pool: Pool, params: Params, now: bigint): bigint {
  const accrued = accruePool(pool, params, now);
  const unlocked = position.active > position.locked ? position.active - position.locked : 0n;
  return (
    position.pendingRewards +
    earned(unlocked, accrued.accUnlocked, position.accUnlockedSnapshot) +
    earned(position.locked, accrued.accLocked, position.accLockedSnapshot)
  );
}
