//! Return data for CPI callers and simulating wallets.
//!
//! On chain, Anchor writes an instruction's `Result<u64>` value as return data. Off chain
//! (the program built natively inside `solana-program-test`), solana-cpi's `set_return_data`
//! is a no-op, so the native build also hands the value to the syscall stubs the test bank
//! installs. The SBF build compiles this to nothing.
pub fn publish_u64(value: u64) -> u64 {
    #[cfg(not(target_os = "solana"))]
    solana_sysvar::program_stubs::sol_set_return_data(&value.to_le_bytes());
    value
}
