//! Trust assumptions a deployment carries, as users are shown them (`diem position`,
//! `diem audit`).
use diem::constants::trust;
use diem::state::Config;

/// What the deployer accepted at `initialize` that lets a third party act on the vault.
pub fn trust_assumptions(config: &Config) -> Vec<String> {
    let mut out = Vec::new();
    if config.vvv_trust & trust::VVV_FREEZE_AUTHORITY != 0 {
        out.push(format!(
            "the VVV mint {} has a freeze authority, which could freeze the program's vault and with it every unstake, claim and payout",
            config.vvv_mint
        ));
    }
    if config.vvv_trust & trust::VVV_CLOSE_AUTHORITY != 0 {
        out.push(format!(
            "the VVV mint {} has a close authority: closed at zero supply, it could be re-created with other extensions",
            config.vvv_mint
        ));
    }
    out
}
