// The program's errors by name and message, from a code, a failed transaction's logs or a
// `@solana/kit` error: the names from Codama's `DIEM_ERROR__*` codes, the messages from its
// `getDiemErrorMessage` (kept unless the bundle is built with NODE_ENV=production).
import { isSolanaError, SOLANA_ERROR__INSTRUCTION_ERROR__CUSTOM } from '@solana/kit';
import { DIEM_PROGRAM_ADDRESS, getDiemErrorMessage, type DiemError } from './generated/index.js';
import * as generated from './generated/errors/diem.js';

export type DiemErrorInfo = { code: number; name: string; message: string };

const PREFIX = 'DIEM_ERROR__';
/** `DIEM_ERROR__INSUFFICIENT_UNLOCKED` is `InsufficientUnlocked`, as `#[error_code]` names it. */
const NAMES: ReadonlyMap<number, string> = new Map(
  (Object.entries(generated) as [string, unknown][])
    .filter((entry): entry is [string, number] => entry[0].startsWith(PREFIX) && typeof entry[1] === 'number')
    .map(([constant, code]): [number, string] => [code, constant.slice(PREFIX.length).toLowerCase().replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase())]),
);

/** The program's error with custom code `code` (6000 and up), or `null`. */
export function diemError(code: number): DiemErrorInfo | null {
  const name = NAMES.get(code);
  return name ? { code, name, message: getDiemErrorMessage(code as DiemError) } : null;
}

/** How many errors the program declares. */
export const DIEM_ERROR_COUNT = NAMES.size;

/**
 * The error the program failed with, from a transaction's logs: the runtime's
 * "Program <diem> failed: custom program error: 0x…" line, so an error raised by another
 * program in the same transaction is not mistaken for ours.
 */
export function diemErrorFromLogs(logs: readonly string[]): DiemErrorInfo | null {
  const failed = new RegExp(`^Program ${DIEM_PROGRAM_ADDRESS} failed: custom program error: 0x([0-9a-f]+)$`);
  for (const line of logs) {
    const m = failed.exec(line);
    if (m) return diemError(parseInt(m[1], 16));
  }
  return null;
}

/** The program's error inside whatever `@solana/kit` threw (a send or a simulation), if any. */
export function diemErrorOf(error: unknown): DiemErrorInfo | null {
  for (let e: unknown = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (isSolanaError(e, SOLANA_ERROR__INSTRUCTION_ERROR__CUSTOM)) {
      const found = diemError(Number(e.context.code));
      if (found) return found;
    }
    const logs = (e as { context?: { logs?: unknown } }).context?.logs;
    if (Array.isArray(logs)) {
      const found = diemErrorFromLogs(logs as string[]);
      if (found) return found;
    }
  }
  return null;
}
