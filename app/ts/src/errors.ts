// The program's errors by name and message, from a code, a failed transaction's logs or a
// `@solana/kit` error.
import { isSolanaError, SOLANA_ERROR__INSTRUCTION_ERROR__CUSTOM } from '@solana/kit';
import { DIEM_PROGRAM_ADDRESS } from './generated/index.js';
import { ERRORS } from './idl.generated.js';

export type DiemErrorInfo = { code: number; name: string; message: string };

/** The program's error with custom code `code` (6000 and up), or `null`. */
export function diemError(code: number): DiemErrorInfo | null {
  const known = ERRORS.get(code);
  return known ? { code, ...known } : null;
}

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
