// Amounts typed in whole tokens to base units, and back, without floating point.

/** `"12.5"` with 6 decimals is 12,500,000; anything else (too many decimals, signs, words) is refused. */
export function parseAmount(text: string, decimals: number, what: string): bigint {
  const t = text.trim().replace(/,/g, '');
  const m = /^(\d+)(?:\.(\d*))?$/.exec(t);
  if (!m) throw new Error(`${what}: "${text}" is not an amount`);
  const frac = m[2] ?? '';
  if (frac.length > decimals) throw new Error(`${what}: at most ${decimals} decimals`);
  const value = BigInt(m[1]) * 10n ** BigInt(decimals) + BigInt((frac + '0'.repeat(decimals)).slice(0, decimals) || '0');
  if (value === 0n) throw new Error(`${what}: must be more than zero`);
  if (value >= 1n << 64n) throw new Error(`${what}: too large`);
  return value;
}

export function formatAmount(value: bigint, decimals: number, shown = 4): string {
  const unit = 10n ** BigInt(decimals);
  const whole = value / unit;
  const frac = (value % unit).toString().padStart(decimals, '0').slice(0, shown).replace(/0+$/, '');
  return whole.toLocaleString('en-US') + (frac ? `.${frac}` : '');
}

export function formatTime(unix: bigint): string {
  return new Date(Number(unix) * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** A cooldown or delay as people say it: `7 days`, `36 hours`, `2 seconds`. */
export function formatDuration(secs: bigint): string {
  const units: [bigint, string][] = [[86_400n, 'day'], [3_600n, 'hour'], [60n, 'minute'], [1n, 'second']];
  for (const [size, name] of units) {
    if (secs >= size && secs % size === 0n) return `${secs / size} ${name}${secs / size === 1n ? '' : 's'}`;
  }
  const hours = Number(secs) / 3_600;
  return `${hours.toLocaleString('en-US', { maximumFractionDigits: 1 })} hours`;
}

/** Basis points as a percentage: `125` is `1.25 %`. */
export function formatBps(bps: bigint): string {
  return `${(Number(bps) / 100).toLocaleString('en-US', { maximumFractionDigits: 2 })} %`;
}

/** An address shortened for a label: `GJ6o…HqHr`. */
export function short(address: string): string {
  return `${address.slice(0, 4)}…${address.slice(-4)}`;
}
