// Why the timelock exists, on the page: each pending change with what it does, when anyone may
// apply it and whether it would hurt this holder (who can still leave first), and the trust
// assumptions the config records.
import type { Address } from '@solana/kit';
import {
  DIEM_DECIMALS,
  pendingChanges,
  TRUST_VVV_CLOSE_AUTHORITY,
  TRUST_VVV_FREEZE_AUTHORITY,
  type Change,
  type Config,
} from '@diem/client';
import { h } from '../dom';
import { formatAmount, formatDuration, formatTime } from '../format';
import { exposureOf, type Snapshot } from '../state';

const DEFAULT_ADDRESS = '11111111111111111111111111111111';

export function pendingChangeItems(s: Snapshot): HTMLElement[] {
  if (!s.governance) return [];
  return pendingChanges(s.governance, s.config, exposureOf(s.holder), s.now).map((c) =>
    h(
      'li',
      { class: c.hurtsYou ? 'change hurts' : 'change', 'data-change': c.change.__kind },
      h('strong', {}, describe(c.change, s.config)),
      h('br'),
      c.due ? `Due since ${formatTime(c.eta)}: anyone may apply it now.` : `Anyone may apply it from ${formatTime(c.eta)}.`,
      c.hurtsYou && h('span', { class: 'warning' }, ` This would hurt you: ${c.hurtsYou}. You can leave before it applies.`),
    ),
  );
}

/** A change in words, from today's value to the proposed one. */
export function describe(change: Change, config: Config): string {
  const p = config.params;
  const perSecond = (rate: bigint) => `${formatAmount(rate, config.vvvDecimals, 6)} VVV a second`;
  switch (change.__kind) {
    case 'EmissionRate':
      return `Emission rate: ${perSecond(p.emissionRate)} → ${perSecond(change.rate)}`;
    case 'TreasuryShares':
      return `Treasury's cut: unlocked ${p.treasuryShareUnlockedBps / 100} % → ${change.unlockedBps / 100} %, locked ${p.treasuryShareLockedBps / 100} % → ${change.lockedBps / 100} %`;
    case 'Treasury':
      return `Treasury account: ${config.treasury} → ${change.account}`;
    case 'SvvvCooldown':
      return `sVVV unstake cooldown: ${formatDuration(p.svvvCooldownSecs)} → ${formatDuration(change.secs)}`;
    case 'DiemCooldown':
      return `DIEM unstake cooldown: ${formatDuration(p.diemCooldownSecs)} → ${formatDuration(change.secs)}`;
    case 'Curve':
      return `A new mint-rate curve (the staged table with SHA-256 ${[...change.hash].map((b) => b.toString(16).padStart(2, '0')).join('').slice(0, 16)}…)`;
    case 'ChangeDelay':
      return `Change delay shortened to ${formatDuration(change.secs)}`;
  }
}

/** Who can do what that a holder must trust, as the chain records it. */
export function trustItems(s: Snapshot): HTMLElement[] {
  const c = s.config;
  const items: (string | HTMLElement)[][] = [
    ['Config authority: ', code(c.authority), ' proposes changes, which wait the change delay', s.governance ? ` (${formatDuration(s.governance.changeDelay)})` : '', '; it can pause inflows at once, never the ways out.'],
  ];
  if (c.pendingAuthority !== DEFAULT_ADDRESS) items.push(['Authority handover proposed to ', code(c.pendingAuthority), ', which has not accepted yet.']);
  items.push(
    s.upgradeAuthority === null
      ? ['The program is immutable: nobody can upgrade it.']
      : s.upgradeAuthority === undefined
        ? ['The program\'s upgrade authority could not be read from this node.']
        : ['Upgrade authority: ', code(s.upgradeAuthority), ' can replace the program at once (no timelock).'],
  );
  items.push(
    c.vvvTrust & TRUST_VVV_FREEZE_AUTHORITY
      ? ['The VVV mint has a freeze authority, accepted at launch: its holder could freeze the vault.']
      : ['The VVV mint has no freeze authority.'],
  );
  if (c.vvvTrust & TRUST_VVV_CLOSE_AUTHORITY) items.push(['The VVV mint has a close authority, accepted at launch.']);
  items.push(
    c.launched
      ? ['The launch is over: every change that could cost you waits the delay.']
      : ['The launch is still on: only the authority acts, and its changes apply at once.'],
  );
  items.push([`Reward reserve: ${formatAmount(c.pool.rewardReserve, c.vvvDecimals)} VVV; DIEM outstanding: ${formatAmount(c.pool.outstandingDiem, DIEM_DECIMALS)}.`]);
  return items.map((parts) => h('li', {}, ...parts));
}

function code(a: Address): HTMLElement {
  return h('code', {}, a);
}
