use anchor_lang::prelude::*;

use crate::constants::CONFIG_ADDRESS;
use crate::state::{Config, Curve};

/// Read-only: what `mint_diem(svvv_amount)` would mint now. The DIEM amount is returned as
/// return data, so wallets can simulate it and programs can call it by CPI.
#[derive(Accounts)]
pub struct QuoteMint<'info> {
    #[account(address = CONFIG_ADDRESS, has_one = curve)]
    pub config: Box<Account<'info, Config>>,
    pub curve: AccountLoader<'info, Curve>,
}

// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn quote_mint_handler(ctx: Context<QuoteMint>, svvv_amount: u64) -> Result<u64> {
    let quote = ctx.accounts.config.quote_mint(&*ctx.accounts.curve.load()?, svvv_amount)?;
    Ok(crate::return_data::publish_u64(quote.diem_out))
}
