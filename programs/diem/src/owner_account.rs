//! An owner's keyed account (a `Position` at `[POSITION_SEED, owner]`, a `DiemStake` at
//! `[DIEM_STAKE_SEED, owner, beneficiary]`), loaded, or created on first use, by the
//! instructions that may open it (`stake` and `cancel_unstake`; `stake_diem`,
//! `cancel_diem_unstake` and `set_diem_beneficiary`).
//!
//! Anchor's `init_if_needed` runs `find_program_address` on every call, and each bump it
//! rejects costs 1,500 CU, so every stake cost what the owner's key happened to need (an owner
//! whose canonical bump is 250 paid 7,500 CU more, each time). Here the search runs once, when
//! the account is created: that is what makes the address the owner's only one, since any
//! other bump would give a second account for the same owner and split the record's one
//! balance per owner. Afterwards no derivation is needed: only this function creates these
//! accounts, always at the canonical address and opened for their owner, so an open account of
//! the type, owned by the program and naming the owner, is the owner's one account (the check
//! costs a comparison instead of a 1,500-CU derivation).
use anchor_lang::prelude::*;
use anchor_lang::system_program;
use anchor_lang::{AccountDeserialize, AccountSerialize};

use crate::constants::{DIEM_STAKE_SEED, POSITION_SEED};
use crate::errors::DiemError;

/// A keyed account type: where it lives (`[SEED, keys...]`), its size, its stored bump.
pub trait OwnerAccount: AccountSerialize + AccountDeserialize {
    const SEED: &'static [u8];
    /// Bytes, the discriminator included.
    const SPACE: usize;
    fn stored_bump(&self) -> u8;
    /// Whether it was opened for exactly these keys (false while not yet opened).
    fn is_opened_for(&self, keys: &[Pubkey]) -> bool;
}

impl OwnerAccount for crate::state::Position {
    const SEED: &'static [u8] = POSITION_SEED;
    const SPACE: usize = 8 + std::mem::size_of::<crate::state::Position>();
    fn stored_bump(&self) -> u8 {
        self.bump
    }
    fn is_opened_for(&self, keys: &[Pubkey]) -> bool {
        self.is_open() && keys == [self.owner]
    }
}

impl OwnerAccount for crate::state::DiemStake {
    const SEED: &'static [u8] = DIEM_STAKE_SEED;
    const SPACE: usize = 8 + std::mem::size_of::<crate::state::DiemStake>();
    fn stored_bump(&self) -> u8 {
        self.bump
    }
    fn is_opened_for(&self, keys: &[Pubkey]) -> bool {
        self.is_open() && keys == [self.owner, self.beneficiary]
    }
}

/// What [`load_or_create`] found: the account's contents (all zero when this instruction
/// created it, for the caller to `open`) and its bump.
pub struct Loaded<T> {
    pub value: T,
    pub bump: u8,
}

/// The account of type `T` for `keys` (the owner, then for a DIEM stake the beneficiary):
/// deserialized if it exists (it must have been opened for those keys), else created there at
/// `payer`'s expense after the canonical bump search shows `info` is their address.
pub fn load_or_create<'info, T: OwnerAccount>(
    info: &AccountInfo<'info>,
    payer: &AccountInfo<'info>,
    keys: &[Pubkey],
) -> Result<Loaded<T>> {
    if info.owner == &crate::ID {
        let value = T::try_deserialize(&mut &info.try_borrow_data()?[..])?;
        require!(value.is_opened_for(keys), DiemError::NotOwnerAddress);
        let bump = value.stored_bump();
        return Ok(Loaded { value, bump });
    }
    let mut seeds: Vec<&[u8]> = Vec::with_capacity(keys.len() + 2);
    seeds.push(T::SEED);
    seeds.extend(keys.iter().map(|k| k.as_ref()));
    let (address, bump) = Pubkey::find_program_address(&seeds, &crate::ID);
    require_keys_eq!(address, info.key(), DiemError::NotOwnerAddress);
    require_keys_eq!(*info.owner, system_program::ID, DiemError::OwnerAddressTaken);
    let bump_seed = [bump];
    seeds.push(&bump_seed);
    create(info, payer, &seeds, T::SPACE)?;
    // Fresh zeroed data, as Anchor's `init` hands it over: the caller opens it.
    let value = T::try_deserialize_unchecked(&mut &info.try_borrow_data()?[..])?;
    Ok(Loaded { value, bump })
}

/// Writes `value` (discriminator first) back into its account.
pub fn store<T: OwnerAccount>(info: &AccountInfo, value: &T) -> Result<()> {
    let mut data = info.try_borrow_mut_data()?;
    value.try_serialize(&mut &mut data[..])
}

/// Creates a program-owned account of `space` bytes at the PDA of `signer_seeds`, as Anchor's
/// `init` does: with `create_account`, or, when someone has sent lamports to the address first
/// (which would make `create_account` fail), by topping up, allocating and assigning it.
pub(crate) fn create<'info>(
    info: &AccountInfo<'info>,
    payer: &AccountInfo<'info>,
    signer_seeds: &[&[u8]],
    space: usize,
) -> Result<()> {
    let rent = Rent::get()?.minimum_balance(space);
    let signer = &[signer_seeds];
    let system = system_program::ID;
    let lamports = info.lamports();
    if lamports == 0 {
        let accounts = system_program::CreateAccount { from: payer.clone(), to: info.clone() };
        return system_program::create_account(
            CpiContext::new_with_signer(system, accounts, signer),
            rent,
            space as u64,
            &crate::ID,
        );
    }
    if rent > lamports {
        let accounts = system_program::Transfer { from: payer.clone(), to: info.clone() };
        system_program::transfer(CpiContext::new(system, accounts), rent - lamports)?;
    }
    let allocate = system_program::Allocate { account_to_allocate: info.clone() };
    system_program::allocate(CpiContext::new_with_signer(system, allocate, signer), space as u64)?;
    let assign = system_program::Assign { account_to_assign: info.clone() };
    system_program::assign(CpiContext::new_with_signer(system, assign, signer), &crate::ID)
}
