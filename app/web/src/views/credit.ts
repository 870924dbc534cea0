// What staking gives: today's and tomorrow's credit ($1 of inference a day per staked DIEM), the
// estimated yield of staked VVV, and the holder's history when a record is configured.
import { DIEM_DECIMALS, ONE_DIEM, yieldEstimate } from '@diem/client';
import { h } from '../dom';
import { formatAmount, formatBps, formatDuration, formatTime } from '../format';
import type { RecordDay, RecordEntry } from '../record';
import type { Holder, Snapshot } from '../state';

/** DIEM base units as dollars, one for one, in whole cents (rounded down). */
const usd = (diem: bigint) => {
  const cents = (diem * 100n) / ONE_DIEM;
  return `$${(cents / 100n).toLocaleString('en-US')}.${(cents % 100n).toString().padStart(2, '0')}`;
};

export function creditRows(s: Snapshot, holder: Holder | null, today: RecordDay | null, recordConfigured: boolean): HTMLElement[] {
  const rows: [string, string, string][] = [];
  if (holder) {
    rows.push([
      'credit-today',
      "Today's credit",
      today ? `$${today.creditUsd}${today.final ? '' : ' (not final yet)'}` : recordConfigured ? 'the record did not answer' : 'known to the record (open this page with ?record=)',
    ]);
    rows.push(['credit-tomorrow', "Tomorrow's credit, as staked now", `${usd(holder.tomorrowCredit)} a day`]);
  }
  const y = yieldEstimate(s.config, holder?.view.svvvUnlocked ?? 0n, holder?.view.svvvLocked ?? 0n);
  rows.push(['apr-unlocked', 'Staking yield, unlocked sVVV (estimate)', `${formatBps(y.aprUnlockedBps)} a year`]);
  rows.push(['apr-locked', 'Staking yield, locked sVVV (estimate)', `${formatBps(y.aprLockedBps)} a year`]);
  if (holder) rows.push(['earn-per-day', 'You earn now (estimate)', `${formatAmount(y.holderPerDay, s.config.vvvDecimals)} VVV a day`]);
  rows.push(['funded-for', 'Reserve funds emissions for', y.fundedSecs === null ? 'no emissions' : formatDuration(y.fundedSecs - (y.fundedSecs % 3_600n))]);
  return rows.map(([field, label, value]) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', { 'data-field': field }, value)));
}

const DIEM_KINDS = /^Diem/;

export function historyRows(entries: readonly RecordEntry[], vvvDecimals: number): HTMLElement[] {
  return entries.map((e) =>
    h(
      'tr',
      { 'data-kind': e.kind },
      h('td', {}, e.blockTime === null ? '—' : formatTime(BigInt(e.blockTime))),
      h('td', {}, e.kind),
      h('td', {}, e.amount === null ? '' : formatAmount(e.amount, DIEM_KINDS.test(e.kind) ? DIEM_DECIMALS : vvvDecimals)),
    ),
  );
}
