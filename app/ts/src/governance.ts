// Pending changes (SPEC §8) as a holder reads them: what each would do, when anyone may apply it,
// and whether it would leave this holder worse off, so the page can warn them while they can
// still leave first.
import { isSome } from '@solana/kit';
import type { Change, Config, Governance } from './generated/index.js';

/** What a holder has at stake, as far as a change can touch it. */
export type Exposure = { svvvUnlocked: bigint; svvvLocked: bigint; diemStaked: bigint };

export type ChangeView = {
  change: Change;
  proposedAt: bigint;
  /** Anyone may apply it from this time on. */
  eta: bigint;
  /** Whether that time has come (`apply_change` would succeed at `now`). */
  due: boolean;
  /** Whether it could leave some holders worse off (lower rewards, a longer wait, less notice). */
  worse: boolean;
  /** Why it would leave this holder worse off, or `null` when it would not. */
  hurtsYou: string | null;
};

const NONE: Exposure = { svvvUnlocked: 0n, svvvLocked: 0n, diemStaked: 0n };

/** The pending changes, soonest due first, judged for `exposure` (nothing at stake if `null`). */
export function pendingChanges(governance: Governance, config: Config, exposure: Exposure | null, now: bigint): ChangeView[] {
  const you = exposure ?? NONE;
  return governance.pending
    .filter(isSome)
    .map(({ value }) => {
      const [worse, hurtsYou] = impact(value.change, config, you);
      return { change: value.change, proposedAt: value.proposedAt, eta: value.eta, due: now >= value.eta, worse, hurtsYou };
    })
    .sort((a, b) => (a.eta < b.eta ? -1 : a.eta > b.eta ? 1 : 0));
}

function impact(change: Change, config: Config, you: Exposure): [boolean, string | null] {
  const p = config.params;
  const svvv = you.svvvUnlocked + you.svvvLocked;
  switch (change.__kind) {
    case 'EmissionRate': {
      const worse = change.rate < p.emissionRate;
      return [worse, worse && svvv > 0n ? 'your staked VVV would earn less' : null];
    }
    case 'TreasuryShares': {
      const unlockedUp = change.unlockedBps > p.treasuryShareUnlockedBps;
      const lockedUp = change.lockedBps > p.treasuryShareLockedBps;
      const hurts = (unlockedUp && you.svvvUnlocked > 0n) || (lockedUp && you.svvvLocked > 0n);
      return [unlockedUp || lockedUp, hurts ? 'the treasury would take more of your rewards' : null];
    }
    case 'Treasury':
      // Where the treasury's own share goes: no holder's rewards or exit move.
      return [false, null];
    case 'SvvvCooldown': {
      const worse = change.secs > p.svvvCooldownSecs;
      return [worse, worse && svvv > 0n ? 'your next sVVV unstake would wait longer (open tickets keep their time)' : null];
    }
    case 'DiemCooldown': {
      const worse = change.secs > p.diemCooldownSecs;
      return [worse, worse && you.diemStaked > 0n ? 'your next DIEM unstake would wait longer (open tickets keep their time)' : null];
    }
    case 'Curve':
      // A new rate table: only the staged table it names says which way; a holder who may mint
      // should read it before it applies.
      return [true, you.svvvUnlocked > 0n ? 'the rate you would mint DIEM at may change' : null];
    case 'ChangeDelay':
      // Only a shorter delay is ever queued: less notice of the next change.
      return [true, svvv > 0n || you.diemStaked > 0n ? 'you would get less notice of later changes' : null];
  }
}
