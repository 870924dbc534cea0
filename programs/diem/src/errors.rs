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
    #[msg("An unstake is already pending for this position; finalize or cancel it first")]
    UnstakeAlreadyPending,
    #[msg("No unstake is pending for this position")]
    NoPendingUnstake,
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
}
