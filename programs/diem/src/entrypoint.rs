//! The deployed entrypoint (feature `lean-entrypoint`, which `scripts/build-sbf.sh` turns on; it
//! implies `no-entrypoint`, so Anchor's own is left out). It hands Anchor's `entry` the same
//! `AccountInfo`s, read by the SDK's `deserialize_into` into an array on the stack instead of a
//! `Vec` on the heap, so nothing is allocated per account and nothing is dropped on the way out:
//! measured on the binary (LEAN.md), about 450 CU less for five accounts and 750 for eleven, in
//! the instruction and again in its event self-CPI. What each account is, is still checked by
//! Anchor's `try_accounts` afterwards, exactly as before.
use std::mem::MaybeUninit;

use anchor_lang::prelude::*;

use crate::errors::DiemError;

/// The most accounts one instruction may pass. Every instruction here takes at most 16; more is
/// refused by name, where the SDK's reader would panic.
const MAX_ACCOUNTS: usize = 64;

/// # Safety
/// Called only by the runtime, with its serialized input (the SBF ABI).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn entrypoint(input: *mut u8) -> u64 {
    // SAFETY: the input starts with the u64 count of the instruction's accounts.
    let count = unsafe { (input as *const u64).read_unaligned() };
    if count > MAX_ACCOUNTS as u64 {
        return ProgramError::from(Error::from(DiemError::TooManyAccounts)).into();
    }
    const UNREAD: MaybeUninit<AccountInfo> = MaybeUninit::uninit();
    let mut accounts = [UNREAD; MAX_ACCOUNTS];
    // SAFETY: the runtime's input, at most MAX_ACCOUNTS accounts (checked above).
    let (program_id, count, data) = unsafe { solana_program_entrypoint::deserialize_into(input, &mut accounts) };
    // SAFETY: `deserialize_into` initialized the first `count` entries.
    let accounts = unsafe { &*(&accounts[..count] as *const [MaybeUninit<AccountInfo>] as *const [AccountInfo]) };
    // In a `cu-trace` build: the units left once every account is read, before Anchor's dispatch.
    crate::cu_trace::mark();
    run(program_id, accounts, data)
}

// Out of line, so the program's frames do not add to the entrypoint's (which holds the array)
// within SBF's 4 KB stack frame.
#[inline(never)]
fn run<'info>(program_id: &'info Pubkey, accounts: &'info [AccountInfo<'info>], data: &'info [u8]) -> u64 {
    match crate::entry(program_id, accounts, data) {
        Ok(()) => solana_program_entrypoint::SUCCESS,
        Err(error) => error.into(),
    }
}

solana_program_entrypoint::custom_heap_default!();
solana_program_entrypoint::custom_panic_default!();
