//! Queued changes (SPEC §8) as users and the authority read them: names for the kinds, and what
//! each pending change would do.
use diem::state::{Change, Config, PendingChange};
use serde::Serialize;

/// The kinds of change, by their slot, as the command line names them.
pub const KIND_NAMES: [&str; 7] =
    ["emission-rate", "treasury-shares", "treasury", "svvv-cooldown", "diem-cooldown", "curve", "change-delay"];

/// The kind named `name` (or given as its number).
pub fn kind_by_name(name: &str) -> Option<u8> {
    KIND_NAMES.iter().position(|k| *k == name).map(|i| i as u8).or_else(|| {
        let n: u8 = name.parse().ok()?;
        (usize::from(n) < KIND_NAMES.len()).then_some(n)
    })
}

pub fn kind_name(kind: u8) -> &'static str {
    KIND_NAMES.get(usize::from(kind)).copied().unwrap_or("unknown")
}

/// What `change` does, in words, against the current `config` (amounts in base units).
pub fn describe(change: &Change, config: &Config) -> String {
    let p = &config.params;
    match *change {
        Change::EmissionRate { rate } => format!("emission rate {} -> {rate} base units a second", p.emission_rate),
        Change::TreasuryShares { unlocked_bps, locked_bps } => format!(
            "treasury shares {}/{} -> {unlocked_bps}/{locked_bps} bps (unlocked/locked)",
            p.treasury_share_unlocked_bps, p.treasury_share_locked_bps
        ),
        Change::Treasury { account } => format!("treasury {} -> {account}", config.treasury),
        Change::SvvvCooldown { secs } => format!("sVVV cooldown {} -> {secs} s", p.svvv_cooldown_secs),
        Change::DiemCooldown { secs } => format!("DIEM cooldown {} -> {secs} s", p.diem_cooldown_secs),
        Change::Curve { hash } => {
            format!("curve version {} -> the staged table with SHA-256 {}", config.curve_version, hex(&hash))
        }
        Change::ChangeDelay { secs } => format!("change delay -> {secs} s"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A pending change as `diem position` and `diem admin pending` show it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PendingChangeReport {
    pub kind: String,
    pub what: String,
    pub proposed_at: i64,
    /// From this time anyone may apply it.
    pub eta: i64,
}

impl PendingChangeReport {
    pub fn new(pending: &PendingChange, config: &Config) -> Self {
        Self {
            kind: kind_name(pending.change.kind()).to_string(),
            what: describe(&pending.change, config),
            proposed_at: pending.proposed_at,
            eta: pending.eta,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_names_in_slot_order() {
        let changes = [
            Change::EmissionRate { rate: 1 },
            Change::TreasuryShares { unlocked_bps: 1, locked_bps: 2 },
            Change::Treasury { account: Default::default() },
            Change::SvvvCooldown { secs: 1 },
            Change::DiemCooldown { secs: 1 },
            Change::Curve { hash: [0; 32] },
            Change::ChangeDelay { secs: 1 },
        ];
        for (i, c) in changes.iter().enumerate() {
            assert_eq!(c.kind() as usize, i);
            assert_eq!(kind_by_name(KIND_NAMES[i]), Some(c.kind()));
        }
        assert_eq!(kind_by_name("6"), Some(6));
        assert_eq!(kind_by_name("7"), None);
        assert_eq!(kind_by_name("everything"), None);
    }
}
