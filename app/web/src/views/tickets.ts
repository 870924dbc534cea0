// The holder's unstake tickets: amount, unlock time, a countdown, Finalize once due (by the
// cluster's clock, what the program checks) and Cancel.
import { countdown, DIEM_DECIMALS, type TicketView } from '@diem/client';
import { h } from '../dom';
import { formatAmount, formatTime } from '../format';

export function ticketRows(tickets: readonly TicketView[], vvvDecimals: number, onAction: (t: TicketView, what: 'finalize' | 'cancel') => void): HTMLElement[] {
  return tickets.map((t) => {
    const amount = `${formatAmount(t.amount, t.kind === 'DIEM' ? DIEM_DECIMALS : vvvDecimals)} ${t.kind}`;
    return h(
      'tr',
      { 'data-ticket': t.address, 'data-kind': t.kind },
      h('td', {}, amount),
      h('td', {}, formatTime(t.unlockAt)),
      h('td', { 'data-countdown': String(t.unlockAt) }, countdown(t.secondsLeft)),
      h(
        'td',
        {},
        h('button', { type: 'button', class: 'finalize', disabled: !t.ready, 'aria-label': `Finalize the ${amount} ticket`, onclick: () => onAction(t, 'finalize') }, 'Finalize'),
        ' ',
        h('button', { type: 'button', class: 'cancel secondary', 'aria-label': `Cancel the ${amount} ticket`, onclick: () => onAction(t, 'cancel') }, 'Cancel'),
      ),
    );
  });
}
