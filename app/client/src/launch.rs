//! The launch parameter file (`migrations/launch.toml`).
use std::path::Path;

use diem::constants::{SECONDS_PER_DAY, pause};
use diem::state::Params;
use serde::Deserialize;
use thiserror::Error;

use crate::amount::{AmountError, parse_amount};
use crate::curve::{CurveParams, CurveParamsError};

#[derive(Debug, Error)]
pub enum LaunchError {
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
    #[error("invalid launch file: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("invalid amount: {0}")]
    Amount(#[from] AmountError),
    #[error("unknown pause flag '{0}' (stake, mint, stake_diem, claim_and_stake, all)")]
    UnknownPauseFlag(String),
    #[error("cooldown of {0} days is out of range")]
    Cooldown(u32),
    #[error("emission of {0} VVV a year does not fit a u64 of base units")]
    Emission(String),
    #[error("invalid [curve] section: {0}")]
    Curve(#[from] CurveParamsError),
    #[error(
        "[launch] paused must hold stake, mint and stake_diem: the launch begins with every inflow paused, and the first `diem admin pause --clear` ends it"
    )]
    InflowOpen,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LaunchFile {
    pub curve: CurveSection,
    pub params: ParamsSection,
    pub launch: LaunchSection,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CurveSection {
    pub base_rate: f64,
    pub power: f64,
    pub target_supply: f64,
    pub step: f64,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ParamsSection {
    /// Emissions in whole VVV per year (365 days); the live system's figure is 2,500,000.
    pub emission_vvv_per_year: String,
    pub treasury_share_unlocked_bps: u32,
    pub treasury_share_locked_bps: u32,
    pub svvv_cooldown_days: u32,
    pub diem_cooldown_days: u32,
    /// How long a proposed change waits (at least the sVVV cooldown plus a day).
    pub change_delay_days: u32,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LaunchSection {
    pub paused: Vec<String>,
    pub diem_uri: String,
    /// Accept a VVV mint with a freeze authority or a close authority (a trust assumption
    /// recorded in the config and shown to users). Default: refuse such a mint.
    #[serde(default)]
    pub accept_freeze_authority: bool,
}

/// Seconds in the 365-day year emissions are quoted for.
pub const SECONDS_PER_YEAR: u64 = 365 * SECONDS_PER_DAY as u64;

/// `per_year` whole VVV a year as base units a second, in exact integer arithmetic, rounded
/// down: the program never promises more than the schedule (the shortfall is under one base
/// unit a second).
pub fn emission_rate_per_second(per_year: &str, vvv_decimals: u8) -> Result<u64, LaunchError> {
    let units = parse_amount(per_year, vvv_decimals).map_err(|e| match e {
        AmountError::TooLarge(t) => LaunchError::Emission(t),
        other => LaunchError::Amount(other),
    })?;
    Ok(units / SECONDS_PER_YEAR)
}

/// Pause flag names as the command line and the launch file spell them.
pub fn pause_flag(name: &str) -> Option<u16> {
    match name {
        "stake" => Some(pause::STAKE),
        "mint" => Some(pause::MINT),
        "stake_diem" | "stake-diem" => Some(pause::STAKE_DIEM),
        "claim_and_stake" | "claim-and-stake" => Some(pause::CLAIM_AND_STAKE),
        "all" => Some(pause::ALL),
        _ => None,
    }
}

/// Pause bits in words: `stake, mint` or `nothing`.
pub fn pause_names(bits: u16) -> String {
    let names: Vec<&str> = [
        (pause::STAKE, "stake"),
        (pause::MINT, "mint"),
        (pause::STAKE_DIEM, "stake-diem"),
        (pause::CLAIM_AND_STAKE, "claim-and-stake"),
    ]
    .iter()
    .filter(|(bit, _)| bits & bit != 0)
    .map(|(_, name)| *name)
    .collect();
    if names.is_empty() { "nothing".into() } else { names.join(", ") }
}

impl LaunchFile {
    pub fn load(path: &Path) -> Result<Self, LaunchError> {
        let text = std::fs::read_to_string(path).map_err(|e| LaunchError::Read(path.display().to_string(), e))?;
        Self::parse(&text)
    }

    /// Parses a launch file and refuses a `[curve]` section that makes no curve.
    pub fn parse(text: &str) -> Result<Self, LaunchError> {
        let file: LaunchFile = toml::from_str(text)?;
        file.curve_params().validate()?;
        Ok(file)
    }

    /// The launch curve for a VVV mint with `vvv_decimals` decimals.
    pub fn curve(&self, vvv_decimals: u8) -> Result<Vec<diem::state::CurveEntry>, LaunchError> {
        Ok(crate::curve::generate_curve(&self.curve_params(), vvv_decimals)?)
    }

    pub fn curve_params(&self) -> CurveParams {
        let c = &self.curve;
        CurveParams { base_rate: c.base_rate, power: c.power, target_supply: c.target_supply, step: c.step }
    }

    /// The on-chain parameters for a VVV mint with `vvv_decimals` decimals.
    pub fn params(&self, vvv_decimals: u8) -> Result<Params, LaunchError> {
        let p = &self.params;
        let days = |d: u32| -> Result<i64, LaunchError> {
            (d as i64).checked_mul(SECONDS_PER_DAY).ok_or(LaunchError::Cooldown(d))
        };
        Ok(Params {
            emission_rate: emission_rate_per_second(&p.emission_vvv_per_year, vvv_decimals)?,
            treasury_share_unlocked_bps: p.treasury_share_unlocked_bps,
            treasury_share_locked_bps: p.treasury_share_locked_bps,
            svvv_cooldown_secs: days(p.svvv_cooldown_days)?,
            diem_cooldown_secs: days(p.diem_cooldown_days)?,
        })
    }

    /// The change delay in seconds.
    pub fn change_delay_secs(&self) -> Result<i64, LaunchError> {
        let d = self.params.change_delay_days;
        i64::from(d).checked_mul(SECONDS_PER_DAY).ok_or(LaunchError::Cooldown(d))
    }

    /// The pause flags `initialize` starts with: every inflow at least (SPEC §8).
    pub fn paused(&self) -> Result<u16, LaunchError> {
        let paused = self.launch.paused.iter().try_fold(0u16, |acc, name| {
            pause_flag(name).map(|f| acc | f).ok_or_else(|| LaunchError::UnknownPauseFlag(name.clone()))
        })?;
        if !pause::inflows_closed(paused) {
            return Err(LaunchError::InflowOpen);
        }
        Ok(paused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diem::constants::*;

    fn repository_file() -> String {
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations/launch.toml")).unwrap()
    }

    /// The committed file holds the launch parameters the issue asks for.
    #[test]
    fn repository_launch_file_has_the_launch_parameters() {
        let file = LaunchFile::parse(&repository_file()).unwrap();
        assert_eq!(file.curve_params(), CurveParams::LAUNCH);
        let p = file.params(6).unwrap();
        assert_eq!(p.svvv_cooldown_secs, DEFAULT_SVVV_COOLDOWN_SECS);
        assert_eq!(p.diem_cooldown_secs, DEFAULT_DIEM_COOLDOWN_SECS);
        assert_eq!(
            (p.treasury_share_unlocked_bps, p.treasury_share_locked_bps),
            (0, DEFAULT_TREASURY_SHARE_LOCKED_BPS)
        );
        // 2,500,000 VVV a year at 6 decimals: 2.5e12 / 31,536,000 s = 79,274.48, rounded down.
        assert_eq!(p.emission_rate, 79_274);
        assert_eq!(file.change_delay_secs().unwrap(), 9 * SECONDS_PER_DAY);
        diem::state::check_change_delay(file.change_delay_secs().unwrap(), &p).unwrap();
        p.validate().unwrap();
        assert_eq!(file.paused().unwrap(), pause::LAUNCH_INFLOWS);
    }

    #[test]
    fn unknown_fields_and_flags_are_errors() {
        let text = repository_file();
        assert!(LaunchFile::parse(&text.replace("step =", "stepp =")).is_err());
        let file = LaunchFile::parse(&text.replace("\"mint\"", "\"mnt\"")).unwrap();
        assert!(matches!(file.paused(), Err(LaunchError::UnknownPauseFlag(_))));
        let open = LaunchFile::parse(&text.replace(", \"mint\"", "")).unwrap();
        assert!(matches!(open.paused(), Err(LaunchError::InflowOpen)));
    }

    #[test]
    fn a_curve_section_that_makes_no_curve_is_refused_by_name() {
        let text = repository_file();
        assert!(text.contains("base_rate = 90.0"), "the test edits the launch base rate");
        for (from, to) in [
            ("base_rate = 90.0", "base_rate = -90.0"),
            ("base_rate = 90.0", "base_rate = nan"),
            ("step = 500.0", "step = 0.0"),
        ] {
            let edited = text.replace(from, to);
            assert!(matches!(LaunchFile::parse(&edited), Err(LaunchError::Curve(_))), "{to}");
        }
        assert!(matches!(LaunchFile::parse(&text).unwrap().curve(30), Err(LaunchError::Curve(_))));
    }

    #[test]
    fn yearly_emissions_convert_exactly_and_round_down() {
        assert_eq!(emission_rate_per_second("31536000", 6).unwrap(), 1_000_000);
        assert_eq!(emission_rate_per_second("2500000", 9).unwrap(), 79_274_479);
        assert_eq!(emission_rate_per_second("0.000001", 6).unwrap(), 0);
        assert!(matches!(emission_rate_per_second("99999999999999999999", 6), Err(LaunchError::Emission(_))));
        assert!(matches!(emission_rate_per_second("lots", 6), Err(LaunchError::Amount(_))));
    }

    #[test]
    fn pause_bits_read_as_names() {
        assert_eq!(pause_names(0), "nothing");
        assert_eq!(pause_names(pause::ALL), "stake, mint, stake-diem, claim-and-stake");
        for name in ["stake", "mint", "stake-diem", "claim-and-stake"] {
            assert_eq!(pause_names(pause_flag(name).unwrap()), name);
        }
    }

    /// The launch URI names the metadata file committed under `migrations/metadata/`, which
    /// holds what wallets show.
    #[test]
    fn the_diem_metadata_uri_points_at_the_committed_file() {
        let file = LaunchFile::parse(&repository_file()).unwrap();
        let path =
            file.launch.diem_uri.split("://").nth(1).and_then(|rest| rest.split_once('/')).map(|(_, p)| p).unwrap();
        let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations").join(path);
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&local).unwrap()).unwrap();
        assert_eq!((json["name"].as_str(), json["symbol"].as_str()), (Some("DIEM"), Some("DIEM")));
        assert!(json["description"].as_str().is_some_and(|d| d.len() > 40));
        let image = json["image"].as_str().unwrap();
        let image_path = image.split("://").nth(1).and_then(|r| r.split_once('/')).map(|(_, p)| p).unwrap();
        assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations").join(image_path).exists(), "{image}");
    }
}
