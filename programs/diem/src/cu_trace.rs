//! Compute-unit markers for `scripts/bench-cu.sh`'s per-phase breakdown: with feature
//! `cu-trace` each marker logs the units remaining (`sol_log_compute_units`); without it (every
//! deployed build) a marker is nothing at all.

#[cfg(all(feature = "cu-trace", target_os = "solana"))]
unsafe extern "C" {
    /// The runtime's syscall: logs "Program consumption: N units remaining".
    fn sol_log_compute_units_();
}

/// Logs the compute units remaining, in a `cu-trace` build.
#[inline(always)]
pub fn mark() {
    #[cfg(all(feature = "cu-trace", target_os = "solana"))]
    // SAFETY: a syscall with no arguments that only writes to the program log.
    unsafe {
        sol_log_compute_units_()
    };
}

/// [`mark`] as an `#[access_control]` check, so a marker can precede an instruction's `validate`.
#[inline(always)]
pub fn mark_before_checks() -> anchor_lang::Result<()> {
    mark();
    Ok(())
}
