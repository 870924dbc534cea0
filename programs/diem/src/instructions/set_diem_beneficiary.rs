use anchor_lang::prelude::*;

use crate::constants::CONFIG_ADDRESS;
use crate::errors::DiemError;
use crate::events::DiemBeneficiaryChanged;
use crate::owner_account;
use crate::state::{Config, DiemStake};

/// Moves a whole DIEM stake to the same controller's stake for `new_beneficiary` (opened if
/// needed): the credit goes to the new beneficiary from the next 00:00 UTC, like any change of
/// stake. No DIEM moves and no total changes, so no pause applies.
#[event_cpi]
#[derive(Accounts)]
pub struct SetDiemBeneficiary<'info> {
    /// The controller of both stakes; pays for the new one if it has to be opened.
    #[account(mut)]
    pub owner: Signer<'info>,
    /// Written only for the event's sequence number.
    #[account(mut, dup, address = CONFIG_ADDRESS)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut, dup, has_one = owner @ DiemError::NotPositionOwner)]
    pub diem_stake: Box<Account<'info, DiemStake>>,
    /// The stake at `[DIEM_STAKE_SEED, owner, new_beneficiary]`.
    /// CHECK: address and contents checked by `owner_account::load_or_create`.
    #[account(mut)]
    pub new_stake: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

impl SetDiemBeneficiary<'_> {
    pub fn validate(&self, new_beneficiary: &Pubkey) -> Result<()> {
        require!(*new_beneficiary != Pubkey::default(), DiemError::InvalidBeneficiary);
        require!(*new_beneficiary != self.diem_stake.beneficiary, DiemError::SameBeneficiary);
        Ok(())
    }
}

// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn set_diem_beneficiary_handler(mut ctx: Context<SetDiemBeneficiary>, new_beneficiary: Pubkey) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    let owner = accounts.owner.key();
    let info = accounts.new_stake.to_account_info();
    let loaded =
        owner_account::load_or_create::<DiemStake>(&info, &accounts.owner.to_account_info(), &[owner, new_beneficiary])?;
    let mut new_stake = loaded.value;
    if !new_stake.is_open() {
        new_stake.open(owner, new_beneficiary, loaded.bump);
    }
    let amount = accounts.diem_stake.move_to(&mut new_stake)?;
    owner_account::store(&info, &new_stake)?;
    let event = DiemBeneficiaryChanged {
        seq: accounts.config.next_event_seq()?,
        owner,
        from: accounts.diem_stake.beneficiary,
        to: new_beneficiary,
        amount,
        timestamp: now,
        to_staked: new_stake.staked,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
