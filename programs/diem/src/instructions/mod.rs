//! One file per instruction: its accounts, a `validate()` for the checks that need no state
//! change, and its `handler`. Account contexts shared by several instructions have files of
//! their own (`owner_position`, `owner_payout`).
pub mod admin;
pub mod burn_diem;
pub mod cancel_diem_unstake;
pub mod cancel_unstake;
pub mod claim_rewards;
pub mod finalize_diem_unstake;
pub mod finalize_unstake;
pub mod fund_rewards;
pub mod initialize;
pub mod initiate_diem_unstake;
pub mod initiate_unstake;
pub mod mint_diem;
pub mod owner_payout;
pub mod owner_position;
pub mod pay_treasury;
pub mod quote_mint;
pub mod set_diem_beneficiary;
pub mod stake;
pub mod stake_diem;
pub mod transfer_ticket;

pub use admin::*;
pub use burn_diem::*;
pub use cancel_diem_unstake::*;
pub use cancel_unstake::*;
pub use claim_rewards::*;
pub use finalize_diem_unstake::*;
pub use finalize_unstake::*;
pub use fund_rewards::*;
pub use initialize::*;
pub use initiate_diem_unstake::*;
pub use initiate_unstake::*;
pub use mint_diem::*;
pub use owner_payout::*;
pub use owner_position::*;
pub use pay_treasury::*;
pub use quote_mint::*;
pub use set_diem_beneficiary::*;
pub use stake::*;
pub use stake_diem::*;
pub use transfer_ticket::*;

#[cfg(test)]
mod dup_tests;
