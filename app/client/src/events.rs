//! Decoding the program's events from `emit_cpi!` inner-instruction data.
use anchor_lang::{AnchorDeserialize, Discriminator};
use diem::events::*;

/// One of the program's event types: picks its own variant out of a [`DiemEvent`].
pub trait EventKind: Sized {
    fn of(event: &DiemEvent) -> Option<&Self>;
}

/// The events of type `E` among `events`, in order.
pub fn events_of<E: EventKind>(events: &[DiemEvent]) -> Vec<&E> {
    events.iter().filter_map(E::of).collect()
}

macro_rules! diem_events {
    ($($name:ident),* $(,)?) => {
        /// Every event the program emits.
        #[derive(Clone, Debug, PartialEq)]
        pub enum DiemEvent {
            $($name($name),)*
        }

        impl DiemEvent {
            /// Decodes an event from its 8-byte discriminator and Borsh body.
            pub fn decode(discriminator: &[u8], body: &[u8]) -> Option<Self> {
                $(
                    if discriminator == $name::DISCRIMINATOR {
                        return $name::try_from_slice(body).ok().map(DiemEvent::$name);
                    }
                )*
                None
            }

            /// The event's discriminator and Borsh body: what [`DiemEvent::decode`] reads.
            pub fn to_bytes(&self) -> Vec<u8> {
                let mut bytes = Vec::with_capacity(256);
                match self {
                    $(DiemEvent::$name(e) => {
                        bytes.extend_from_slice($name::DISCRIMINATOR);
                        // Writing into a Vec cannot fail.
                        let _ = anchor_lang::AnchorSerialize::serialize(e, &mut bytes);
                    })*
                }
                bytes
            }

            /// The event's global sequence number (SPEC §9).
            pub fn seq(&self) -> u64 {
                match self {
                    $(DiemEvent::$name(e) => e.seq,)*
                }
            }

            pub fn name(&self) -> &'static str {
                match self {
                    $(DiemEvent::$name(_) => stringify!($name),)*
                }
            }
        }

        $(
            impl EventKind for $name {
                fn of(event: &DiemEvent) -> Option<&Self> {
                    match event {
                        DiemEvent::$name(e) => Some(e),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
            }
        )*
    };
}

diem_events!(
    Initialized,
    Staked,
    UnstakeInitiated,
    UnstakeCancelled,
    UnstakeFinalized,
    RewardsClaimed,
    RewardsFunded,
    TreasuryPaid,
    DiemMinted,
    DiemBurned,
    ParamsUpdated,
    TreasuryUpdated,
    PauseUpdated,
    Launched,
    CurveStaged,
    CurveCommitted,
    CurveStagingCleared,
    ChangeProposed,
    ChangeApplied,
    ChangeCancelled,
    MetadataUriUpdated,
    AuthorityProposed,
    AuthorityTransferred,
    DiemStaked,
    DiemUnstakeInitiated,
    DiemUnstakeCancelled,
    DiemUnstakeFinalized,
    TicketTransferred,
    DiemBeneficiaryChanged,
);

impl DiemEvent {
    /// The event's own clock (the instruction's unix time), where it carries one: its
    /// `timestamp`, or the time its pool was accrued to.
    pub fn timestamp(&self) -> Option<i64> {
        use DiemEvent as E;
        Some(match self {
            E::Initialized(e) => e.timestamp,
            E::ChangeApplied(e) => e.timestamp,
            E::Launched(e) => e.timestamp,
            E::DiemStaked(e) => e.timestamp,
            E::DiemUnstakeInitiated(e) => e.timestamp,
            E::DiemUnstakeCancelled(e) => e.timestamp,
            E::DiemUnstakeFinalized(e) => e.timestamp,
            E::UnstakeFinalized(e) => e.timestamp,
            E::TicketTransferred(e) => e.timestamp,
            E::DiemBeneficiaryChanged(e) => e.timestamp,
            E::Staked(e) => e.pool.last_accrual_ts,
            E::UnstakeInitiated(e) => e.pool.last_accrual_ts,
            E::UnstakeCancelled(e) => e.pool.last_accrual_ts,
            E::RewardsClaimed(e) => e.pool.last_accrual_ts,
            E::RewardsFunded(e) => e.pool.last_accrual_ts,
            E::TreasuryPaid(e) => e.pool.last_accrual_ts,
            E::DiemMinted(e) => e.pool.last_accrual_ts,
            E::DiemBurned(e) => e.pool.last_accrual_ts,
            E::ParamsUpdated(e) => e.pool.last_accrual_ts,
            _ => return None,
        })
    }

    /// Decodes the data of an inner instruction the program invoked on itself by `emit_cpi!`:
    /// the event tag, then the event's discriminator and body. `None` for any other data.
    pub fn from_cpi_data(data: &[u8]) -> Option<Self> {
        let rest = data.strip_prefix(anchor_lang::event::EVENT_IX_TAG_LE)?;
        if rest.len() < 8 {
            return None;
        }
        Self::decode(&rest[..8], &rest[8..])
    }
}
