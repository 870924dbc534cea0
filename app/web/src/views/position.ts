// The holder's position, with figures that add up: active sVVV is locked plus unlocked, and
// every amount says its unit.
import { DIEM_DECIMALS } from '@diem/client';
import { h } from '../dom';
import { formatAmount, short } from '../format';
import type { Holder, Snapshot } from '../state';

type Row = [field: string, label: string, value: string, indent?: boolean];

export function positionRows(s: Snapshot, holder: Holder): HTMLElement[] {
  const v = holder.view;
  const d = s.config.vvvDecimals;
  const rows: Row[] = [
    ['sol-wallet', 'SOL in wallet (pays fees)', `${formatAmount(holder.lamports, 9)} SOL`],
    ['vvv-wallet', 'VVV in wallet', `${formatAmount(holder.vvv, d)} VVV`],
    ['svvv-active', 'sVVV staked', `${formatAmount(v.svvvActive, d)} sVVV`],
    ['svvv-locked', 'of which locked (backs your DIEM)', `${formatAmount(v.svvvLocked, d)} sVVV`, true],
    ['svvv-unlocked', 'of which unlocked', `${formatAmount(v.svvvUnlocked, d)} sVVV`, true],
    ['rewards', 'Rewards to claim', `${formatAmount(v.pendingRewards, d)} VVV`],
    ['diem-outstanding', 'DIEM minted by this position', `${formatAmount(v.diemOutstanding, DIEM_DECIMALS)} DIEM`],
    ['lock-rate', 'Average lock rate', v.averageLockRate === null ? '—' : `${formatAmount(v.averageLockRate, d)} VVV per DIEM`],
    ['diem-wallet', 'DIEM in wallet', `${formatAmount(holder.diem, DIEM_DECIMALS)} DIEM`],
    ['diem-staked', 'DIEM staked for your own credit', `${formatAmount(v.diemStaked, DIEM_DECIMALS)} DIEM`],
    ...holder.controlled
      .filter((st) => st.beneficiary !== holder.owner)
      .map((st): Row => [`diem-for-${st.beneficiary}`, `DIEM you staked for ${short(st.beneficiary)}`, `${formatAmount(st.staked, DIEM_DECIMALS)} DIEM`]),
  ];
  return rows.map(([field, label, value, indent]) =>
    h('tr', {}, h('th', { scope: 'row', class: indent ? 'indent' : null }, label), h('td', { 'data-field': field }, value)),
  );
}
