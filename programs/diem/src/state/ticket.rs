use anchor_lang::prelude::*;

use crate::errors::DiemError;

/// What a ticket holds: sVVV leaving a position, or DIEM leaving a DIEM stake.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum TicketKind {
    Svvv,
    Diem,
}

/// One unstake request (SPEC §3, §7): its amount left the stake when it was opened and waits
/// here until `unlock_at`, which is fixed at opening and never changes. PDA
/// `[TICKET_SEED, source, number]`.
///
/// The owner alone may finalize, cancel or hand it on; whoever paid its rent gets the rent back
/// when it closes, whoever owns it then.
#[account]
#[derive(InitSpace, Debug, PartialEq, Eq)]
pub struct UnstakeTicket {
    pub kind: TicketKind,
    pub owner: Pubkey,
    /// Paid the rent; receives it when the ticket closes.
    pub rent_payer: Pubkey,
    /// The position or DIEM stake it was opened from (its address seed).
    pub source: Pubkey,
    /// The source's count of tickets opened before this one (its other address seed).
    pub number: u64,
    pub amount: u64,
    pub opened_at: i64,
    /// When it may be finalized (unix seconds).
    pub unlock_at: i64,
    pub bump: u8,
}

/// The fields a ticket is opened with.
pub struct TicketOpening {
    pub kind: TicketKind,
    pub owner: Pubkey,
    pub rent_payer: Pubkey,
    pub source: Pubkey,
    pub number: u64,
    pub amount: u64,
}

impl UnstakeTicket {
    /// Bytes, the discriminator included; the rent a ticket costs is this size's.
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// A ticket opened at `now` that unlocks `cooldown_secs` later.
    pub fn open(opening: TicketOpening, now: i64, cooldown_secs: i64, bump: u8) -> Result<Self> {
        let unlock_at = now.checked_add(cooldown_secs).ok_or_else(|| error!(DiemError::MathOverflow))?;
        Ok(Self {
            kind: opening.kind,
            owner: opening.owner,
            rent_payer: opening.rent_payer,
            source: opening.source,
            number: opening.number,
            amount: opening.amount,
            opened_at: now,
            unlock_at,
            bump,
        })
    }

    /// The checks every act on a ticket shares: its kind, and that `signer` owns it.
    pub fn require_owned(&self, kind: TicketKind, signer: &Pubkey) -> Result<()> {
        require!(self.kind == kind, DiemError::WrongTicketKind);
        require_keys_eq!(self.owner, *signer, DiemError::NotTicketOwner);
        Ok(())
    }

    pub fn require_due(&self, now: i64) -> Result<()> {
        require!(now >= self.unlock_at, DiemError::CooldownNotElapsed);
        Ok(())
    }

    /// Hands the ticket to `new_owner`; nothing else about it changes (its `unlock_at` least).
    pub fn transfer(&mut self, new_owner: Pubkey) -> Result<()> {
        require!(new_owner != Pubkey::default() && new_owner != self.owner, DiemError::InvalidTicketRecipient);
        self.owner = new_owner;
        Ok(())
    }
}
