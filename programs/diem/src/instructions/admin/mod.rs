//! Instructions of the config authority, and the queue of changes (`change`): after the launch,
//! every change that can hurt a user is proposed and applies only after the change delay.
//! Each checks its bounds and emits an event.
pub mod authority;
pub mod change;
pub mod commit_curve;
pub mod set_metadata_uri;
pub mod set_params;
pub mod set_pause;
pub mod set_treasury;
pub mod stage_curve;

pub use authority::*;
pub use change::*;
pub use commit_curve::*;
pub use set_metadata_uri::*;
pub use set_params::*;
pub use set_pause::*;
pub use set_treasury::*;
pub use stage_curve::*;

use anchor_lang::prelude::*;

use crate::constants::CONFIG_ADDRESS;
use crate::errors::DiemError;
use crate::state::Config;

/// The authority and the config: all an admin instruction without other accounts needs.
#[event_cpi]
#[derive(Accounts)]
pub struct AdminConfig<'info> {
    pub authority: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS, has_one = authority @ DiemError::Unauthorized)]
    pub config: Box<Account<'info, Config>>,
}
