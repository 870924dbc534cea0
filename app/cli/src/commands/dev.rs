//! `keygen` and the local-network helpers (`dev setup-vvv`, `dev fund`).
use std::path::Path;

use diem_client::chain::Chain;
use diem_client::ops::{Client, dev};
use serde_json::json;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::args::DevCommand;
use crate::{CliError, Output, Units};

pub fn keygen(outfile: &Path) -> Result<Output, CliError> {
    let key = Keypair::new();
    crate::keypair::write_keypair(outfile, &key)?;
    Ok(Output {
        human: key.pubkey().to_string(),
        json: json!({ "pubkey": key.pubkey().to_string(), "outfile": outfile.display().to_string() }),
    })
}

pub async fn run<C: Chain>(command: &DevCommand, client: &mut Client<'_, C>, units: Units) -> Result<Output, CliError> {
    let signer = client.signer;
    Ok(match command {
        DevCommand::SetupVvv { decimals, amount } => {
            let amount = units.parse(amount, *decimals)?;
            let (mint, treasury) = dev::setup_vvv(client.chain, signer, *decimals, amount).await?;
            Output {
                human: format!("VVV mint {mint}\ntreasury {treasury}"),
                json: json!({ "vvv_mint": mint.to_string(), "treasury": treasury.to_string() }),
            }
        }
        DevCommand::Fund { vvv_mint, owner, amount } => {
            let decimals = dev::mint_decimals(client.chain, vvv_mint).await?;
            let amount = units.parse(amount, decimals)?;
            let account = dev::fund(client.chain, signer, vvv_mint, owner, amount).await?;
            Output {
                human: format!("funded {owner}: {} VVV in {account}", units.show(amount, decimals)),
                json: json!({ "account": account.to_string() }),
            }
        }
    })
}
