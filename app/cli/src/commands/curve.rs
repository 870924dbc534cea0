//! `curve generate`: the 256-entry table from its four numbers (offline).
use diem_client::curve::{CurveParams, generate_curve};

use crate::args::{Command, CurveCommand};
use crate::output::curve_output;
use crate::{CliError, Output, Units};

pub fn generate(command: &Command, units: Units) -> Result<Output, CliError> {
    let Command::Curve(CurveCommand::Generate { base_rate, power, target_supply, step, vvv_decimals }) = command else {
        return Err(CliError::Usage(format!("`{}` is not `curve generate`", super::name(command))));
    };
    let params = CurveParams { base_rate: *base_rate, power: *power, target_supply: *target_supply, step: *step };
    let curve = generate_curve(&params, *vvv_decimals).map_err(|e| CliError::Usage(format!("curve generate: {e}")))?;
    Ok(curve_output(&curve, *vvv_decimals, units))
}
