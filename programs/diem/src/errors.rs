use anchor_lang::prelude::*;

#[error_code]
#[derive(PartialEq, Eq)]
pub enum DiemError {
    #[msg("Amount must be greater than zero")]
    ZeroAmount,
    #[msg("Arithmetic overflow or an impossible result")]
    MathOverflow,
    #[msg("Not enough unlocked sVVV in the position (locked sVVV can only be released by burning DIEM)")]
    InsufficientUnlocked,
    #[msg("Signer does not own this unstake ticket")]
    NotTicketOwner,
    #[msg("This unstake ticket is of the other kind (sVVV or DIEM)")]
    WrongTicketKind,
    #[msg("The cooldown has not ended yet")]
    CooldownNotElapsed,
    #[msg("No rewards to claim")]
    NothingToClaim,
    #[msg("The treasury has nothing accrued")]
    NothingToPay,
    #[msg("The lock buys less DIEM than min_diem_out")]
    SlippageExceeded,
    #[msg("The lock is too small to buy any DIEM at the current rate")]
    MintOutputZero,
    #[msg("The curve's supply cap would be exceeded")]
    SupplyCapReached,
    #[msg("No curve has been committed yet")]
    CurveNotSet,
    #[msg("Burn amount exceeds the position's outstanding DIEM")]
    BurnExceedsOutstanding,
    #[msg("Signer is not the config authority")]
    Unauthorized,
    #[msg("Signer does not own this position")]
    NotPositionOwner,
    #[msg("Token account is not owned by the signer")]
    TokenAccountNotOwned,
    #[msg("Token account holds the wrong mint")]
    WrongMint,
    #[msg("Token program does not match the mint")]
    WrongTokenProgram,
    #[msg(
        "The VVV mint uses a Token-2022 extension that breaks vault accounting or lets a third party move vault funds"
    )]
    UnsupportedMintExtension,
    #[msg("The VVV mint is not a valid SPL Token or Token-2022 mint")]
    InvalidVvvMint,
    #[msg("Treasury share must be at most 10,000 basis points")]
    ShareOutOfBounds,
    #[msg("Cooldown must be between 0 and 90 days")]
    CooldownOutOfBounds,
    #[msg("Emission rate exceeds the protocol cap")]
    EmissionRateTooHigh,
    #[msg("Metadata URI is too long")]
    UriTooLong,
    #[msg("This operation is paused")]
    OperationPaused,
    #[msg("Unknown pause flag")]
    UnknownPauseFlag,
    #[msg("Curve chunk is empty, too long or runs past the end of the table")]
    CurveChunkOutOfRange,
    #[msg("Curve is not fully staged: every one of the 256 entries must be written")]
    CurveIncomplete,
    #[msg("Curve supply bounds must be strictly increasing")]
    CurveBoundsNotIncreasing,
    #[msg("Curve rates must be non-decreasing")]
    CurveRatesDecreasing,
    #[msg("Curve rates must be greater than zero")]
    CurveRateZero,
    #[msg("Curve rate exceeds the documented cap")]
    CurveRateAboveCap,
    #[msg("The curve's last supply bound is below the outstanding DIEM")]
    CurveBelowSupply,
    #[msg("The position belongs to a different owner")]
    PositionOwnerMismatch,
    #[msg("Not enough staked DIEM")]
    InsufficientDiemStaked,
    #[msg("Treasury account does not match the config")]
    WrongTreasury,
    #[msg("Not an initialized token account")]
    InvalidTokenAccount,
    #[msg("No authority transfer is pending")]
    NoPendingAuthority,
    #[msg("The default (all-zero) key is not a valid recipient")]
    InvalidRecipient,
    #[msg(
        "The VVV mint has a freeze authority, which could freeze the vault; initialize refuses it unless accept_freeze_authority is set"
    )]
    VvvMintFreezeAuthority,
    #[msg(
        "The VVV mint has a close authority (a closed mint could be re-created with other extensions); initialize refuses it unless accept_freeze_authority is set"
    )]
    VvvMintCloseAuthority,
    #[msg("The staged curve is not the table whose hash commit_curve names")]
    CurveHashMismatch,
    #[msg("The config authority cannot be the default (all-zero) key")]
    InvalidAuthority,
    #[msg("A payout, mint or treasury destination cannot be one of the program's own vaults")]
    DestinationIsVault,
    #[msg("Only the program's upgrade authority may initialize it")]
    NotUpgradeAuthority,
    #[msg("After the launch this change must be proposed and applied after the change delay (propose_change)")]
    ChangeMustBeProposed,
    #[msg("No change of this kind is pending")]
    NoPendingChange,
    #[msg("The change delay of this change has not passed yet")]
    ChangeNotDue,
    #[msg(
        "The change delay must cover the slowest exit (sVVV cooldown + DIEM cooldown + one day, counting every pending cooldown or delay change) and be at most a year"
    )]
    ChangeDelayOutOfBounds,
    #[msg("Unknown change kind")]
    UnknownChangeKind,
    #[msg("This account is not at the owner's address (its canonical PDA)")]
    NotOwnerAddress,
    #[msg("An account at the owner's address exists but is not this program's")]
    OwnerAddressTaken,
    #[msg("The launch must begin with every inflow (stake, mint, DIEM stake) paused")]
    LaunchMustStartPaused,
    #[msg("During the launch only the config authority may act")]
    LaunchInProgress,
    #[msg("A curve change is pending: cancel it before staging another table")]
    CurveChangePending,
    #[msg("The default (all-zero) key cannot be a DIEM stake's beneficiary")]
    InvalidBeneficiary,
    #[msg("A ticket cannot be handed to the default (all-zero) key or to its own owner")]
    InvalidTicketRecipient,
    #[msg("The stake already credits this beneficiary")]
    SameBeneficiary,
    #[msg("The rent payer named is not the one who paid this ticket's rent")]
    WrongRentPayer,
    #[msg("This account is not the ticket address the request opens ([ticket seed, source, tickets opened])")]
    WrongTicketAddress,
    #[msg("More accounts than the entrypoint reads (64): no instruction of this program takes that many")]
    TooManyAccounts,
}

impl DiemError {
    /// Every variant in code order (6000, 6001, ...), so a client can name an error from its
    /// code alone. A test checks it against the enum's codes and the committed IDL.
    pub const ALL: &'static [DiemError] = &[
        DiemError::ZeroAmount,
        DiemError::MathOverflow,
        DiemError::InsufficientUnlocked,
        DiemError::NotTicketOwner,
        DiemError::WrongTicketKind,
        DiemError::CooldownNotElapsed,
        DiemError::NothingToClaim,
        DiemError::NothingToPay,
        DiemError::SlippageExceeded,
        DiemError::MintOutputZero,
        DiemError::SupplyCapReached,
        DiemError::CurveNotSet,
        DiemError::BurnExceedsOutstanding,
        DiemError::Unauthorized,
        DiemError::NotPositionOwner,
        DiemError::TokenAccountNotOwned,
        DiemError::WrongMint,
        DiemError::WrongTokenProgram,
        DiemError::UnsupportedMintExtension,
        DiemError::InvalidVvvMint,
        DiemError::ShareOutOfBounds,
        DiemError::CooldownOutOfBounds,
        DiemError::EmissionRateTooHigh,
        DiemError::UriTooLong,
        DiemError::OperationPaused,
        DiemError::UnknownPauseFlag,
        DiemError::CurveChunkOutOfRange,
        DiemError::CurveIncomplete,
        DiemError::CurveBoundsNotIncreasing,
        DiemError::CurveRatesDecreasing,
        DiemError::CurveRateZero,
        DiemError::CurveRateAboveCap,
        DiemError::CurveBelowSupply,
        DiemError::PositionOwnerMismatch,
        DiemError::InsufficientDiemStaked,
        DiemError::WrongTreasury,
        DiemError::InvalidTokenAccount,
        DiemError::NoPendingAuthority,
        DiemError::InvalidRecipient,
        DiemError::VvvMintFreezeAuthority,
        DiemError::VvvMintCloseAuthority,
        DiemError::CurveHashMismatch,
        DiemError::InvalidAuthority,
        DiemError::DestinationIsVault,
        DiemError::NotUpgradeAuthority,
        DiemError::ChangeMustBeProposed,
        DiemError::NoPendingChange,
        DiemError::ChangeNotDue,
        DiemError::ChangeDelayOutOfBounds,
        DiemError::UnknownChangeKind,
        DiemError::NotOwnerAddress,
        DiemError::OwnerAddressTaken,
        DiemError::LaunchMustStartPaused,
        DiemError::LaunchInProgress,
        DiemError::CurveChangePending,
        DiemError::InvalidBeneficiary,
        DiemError::InvalidTicketRecipient,
        DiemError::SameBeneficiary,
        DiemError::WrongRentPayer,
        DiemError::WrongTicketAddress,
        DiemError::TooManyAccounts,
    ];

    /// The error raised with custom program error `code`, if it is one of this program's.
    pub fn from_code(code: u32) -> Option<DiemError> {
        let index = code.checked_sub(anchor_lang::error::ERROR_CODE_OFFSET)?;
        Self::ALL.get(usize::try_from(index).ok()?).copied()
    }
}

#[cfg(test)]
mod tests;
