//! Running an Anchor program natively inside `solana-program-test`.

#[doc(hidden)]
pub mod __private {
    pub use anchor_lang;
}

/// Defines `fn $name(&Pubkey, &[AccountInfo], &[u8]) -> ProgramResult` running the Anchor program
/// entry `$entry` natively, for `solana_program_test::processor!`. Anchor's `entry` ties the
/// slice and the accounts to one lifetime, which `processor!`'s function type does not;
/// narrowing the inner lifetime to the slice's is sound because the accounts outlive the call.
#[macro_export]
macro_rules! native_entry {
    ($name:ident, $entry:path) => {
        fn $name(
            program_id: &$crate::native::__private::anchor_lang::prelude::Pubkey,
            accounts: &[$crate::native::__private::anchor_lang::prelude::AccountInfo],
            data: &[u8],
        ) -> $crate::native::__private::anchor_lang::solana_program::entrypoint::ProgramResult {
            use $crate::native::__private::anchor_lang::prelude::AccountInfo;
            // SAFETY: see the macro's documentation.
            let accounts: &[AccountInfo] = unsafe { ::std::mem::transmute::<&[AccountInfo], &[AccountInfo]>(accounts) };
            $entry(program_id, accounts, data)
        }
    };
}
