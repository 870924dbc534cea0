//! What commands print: a human text and the same as JSON (`--json`), with amounts in whole
//! tokens or base units (`--raw`).
use diem::constants::DIEM_DECIMALS;
use diem_client::amount::{TypedAmount, format_amount};
use diem_client::chain::Outcome;
use diem_client::ops::PositionReport;
use diem_client::ops::reports::TicketReport;
use serde_json::{Value, json};

use crate::CliError;

/// What a command printed: a human line (or lines) and the same as JSON.
#[derive(Debug)]
pub struct Output {
    pub human: String,
    pub json: Value,
}

/// Amount formatting and parsing per `--raw`.
#[derive(Clone, Copy, Debug)]
pub struct Units {
    pub raw: bool,
}

impl Units {
    /// What can be checked of an amount before the token's decimals are known (they come from
    /// the chain): with `--raw`, that it is a whole number of base units. Its syntax was checked
    /// when clap parsed it (`TypedAmount`).
    pub fn check(&self, what: &str, amount: &TypedAmount) -> Result<(), CliError> {
        if self.raw && amount.has_fraction() {
            return Err(CliError::Usage(format!("{what}: '{amount}' is not a whole number of base units")));
        }
        Ok(())
    }

    /// `amount` in base units of a token with `decimals` decimals (as typed, with `--raw`).
    pub fn parse(&self, amount: &TypedAmount, decimals: u8) -> Result<u64, CliError> {
        let converted = if self.raw { amount.raw() } else { amount.base_units(decimals) };
        converted.map_err(|e| CliError::Usage(e.to_string()))
    }

    pub fn show(&self, units: u64, decimals: u8) -> String {
        if self.raw { units.to_string() } else { format_amount(units, decimals) }
    }
}

/// The output of a transaction: what was done, its signature and its events.
pub fn done(what: String, outcome: &Outcome) -> Output {
    let json = json!({
        "result": what,
        "signature": outcome.signature,
        "events": outcome.events.iter().map(|e| e.name()).collect::<Vec<_>>(),
    });
    Output { human: what, json }
}

/// [`done`] for a request that opened a ticket: names the ticket and its unlock time.
pub fn ticket_opened(what: String, outcome: &Outcome) -> Output {
    let unlock_at = outcome
        .events_of::<diem::events::UnstakeInitiated>()
        .first()
        .map(|e| e.unlock_at)
        .or_else(|| outcome.events_of::<diem::events::DiemUnstakeInitiated>().first().map(|e| e.unlock_at));
    let ticket = diem_client::ops::user::opened_ticket(outcome);
    let mut out = done(what, outcome);
    if let (Some(ticket), Some(unlock_at)) = (ticket, unlock_at) {
        out.human = format!("{}: ticket {ticket}, unlocks {}", out.human, utc(unlock_at));
        out.json["ticket"] = json!(ticket.to_string());
        out.json["unlock_at"] = json!(unlock_at);
    }
    out
}

/// [`done`] for a finalized ticket (`ticket` names it): what it paid out (`amount`, already shown,
/// of `token`) and to which token account, from the event the program emitted.
pub fn ticket_finalized(
    ticket: String,
    paid: (String, &str),
    verb: &str,
    destination: anchor_lang::prelude::Pubkey,
    outcome: &Outcome,
) -> Output {
    let (amount, token) = paid;
    let mut out = done(format!("{ticket} finalized: {amount} {token} {verb} {destination}"), outcome);
    out.json["amount"] = json!(amount);
    out.json["destination"] = json!(destination.to_string());
    out
}

/// A wait in whole units, largest first: `6 d 23 h 59 min`, `59 s`.
pub fn wait(seconds: i64) -> String {
    let (d, h, m, s) = (seconds / 86_400, seconds / 3_600 % 24, seconds / 60 % 60, seconds % 60);
    let parts: Vec<String> = [(d, "d"), (h, "h"), (m, "min")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect();
    if parts.is_empty() { format!("{s} s") } else { parts.join(" ") }
}

/// A unix time as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn utc(unix_seconds: i64) -> String {
    let day = diem_client::credit::day_of(unix_seconds);
    let secs = unix_seconds - day * diem::constants::SECONDS_PER_DAY;
    format!("{} {:02}:{:02}:{:02} UTC", diem_client::credit::format_day(day), secs / 3600, secs / 60 % 60, secs % 60)
}

fn ticket_amount(t: &TicketReport, vvv_decimals: u8, units: Units) -> String {
    let decimals = if t.kind == "DIEM" { DIEM_DECIMALS } else { vvv_decimals };
    units.show(t.amount, decimals)
}

fn tickets_json(tickets: &[TicketReport], vvv_decimals: u8, units: Units) -> serde_json::Value {
    json!(tickets
        .iter()
        .map(|t| json!({
            "ticket": t.ticket, "kind": t.kind, "amount": ticket_amount(t, vvv_decimals, units),
            "opened_at": t.opened_at, "unlock_at": t.unlock_at, "ready": t.ready, "rent_payer": t.rent_payer,
        }))
        .collect::<Vec<_>>())
}

fn tickets_human(tickets: &[TicketReport], vvv_decimals: u8, units: Units) -> String {
    let mut text = String::new();
    for t in tickets {
        text += &format!(
            "\n  ticket {} {} {} unlocks {}{}",
            t.ticket,
            ticket_amount(t, vvv_decimals, units),
            t.kind,
            utc(t.unlock_at),
            if t.ready { " (ready)" } else { "" }
        );
    }
    text
}

/// `diem tickets`: an owner's open tickets, soonest first.
pub fn tickets_output(owner: &str, tickets: &[TicketReport], vvv_decimals: u8, units: Units) -> Output {
    let human = if tickets.is_empty() {
        format!("{owner} holds no open unstake ticket")
    } else {
        format!("open unstake tickets of {owner}{}", tickets_human(tickets, vvv_decimals, units))
    };
    Output { human, json: json!({"owner": owner, "tickets": tickets_json(tickets, vvv_decimals, units)}) }
}

pub fn position_output(r: &PositionReport, units: Units) -> Output {
    let v = |x| units.show(x, r.vvv_decimals);
    let d = |x| units.show(x, DIEM_DECIMALS);
    let rate = r.average_lock_rate.map(v);
    let json = json!({
        "owner": r.owner, "active": v(r.active), "unlocked": v(r.unlocked), "locked": v(r.locked),
        "outstanding_diem": d(r.outstanding_diem), "pending_rewards": v(r.pending_rewards),
        "average_lock_rate": rate,
        "diem_staked": d(r.diem_staked),
        "diem_stakes": r.diem_stakes.iter().map(|s| json!({"beneficiary": s.beneficiary, "staked": d(s.staked)})).collect::<Vec<_>>(),
        "diem_credited": d(r.diem_credited),
        "tickets": tickets_json(&r.tickets, r.vvv_decimals, units),
        "trust_assumptions": r.trust_assumptions,
        "pending_changes": r.pending_changes,
    });
    let mut human = format!(
        "position of {}\n  sVVV active {} (unlocked {}, locked {})\n  DIEM outstanding {}{}\n  pending rewards {} VVV\n  DIEM staked {}",
        r.owner,
        v(r.active),
        v(r.unlocked),
        v(r.locked),
        d(r.outstanding_diem),
        rate.map(|x| format!(" (average lock rate {x} sVVV per DIEM)")).unwrap_or_default(),
        v(r.pending_rewards),
        d(r.diem_staked)
    );
    for s in r.diem_stakes.iter().filter(|s| s.beneficiary != r.owner) {
        human += &format!("\n    {} of it credits {}", d(s.staked), s.beneficiary);
    }
    human += &format!("\n  DIEM credited to this owner {}", d(r.diem_credited));
    human += &tickets_human(&r.tickets, r.vvv_decimals, units);
    for t in &r.trust_assumptions {
        human += &format!("\n  trust assumption: {t}");
    }
    for c in &r.pending_changes {
        human += &format!(
            "\n  pending change: {} from {} (leave before then if you disagree: `diem admin pending`)",
            c.what,
            utc(c.eta)
        );
    }
    Output { human, json }
}

pub fn curve_output(entries: &[diem::state::CurveEntry], vvv_decimals: u8, units: Units) -> Output {
    let rows: Vec<Value> = entries
        .iter()
        .map(|e| json!({ "supply_bound": e.supply_bound.to_string(), "rate": e.rate().to_string() }))
        .collect();
    let mut human = String::from("bucket  supply bound (DIEM)  rate (sVVV per DIEM)\n");
    for (i, e) in entries.iter().enumerate() {
        let rate =
            u64::try_from(e.rate()).map(|r| units.show(r, vvv_decimals)).unwrap_or_else(|_| e.rate().to_string());
        human += &format!("{i:>6}  {:>19}  {rate}\n", units.show(e.supply_bound, DIEM_DECIMALS));
    }
    Output { human: human.trim_end().to_string(), json: json!({ "entries": rows }) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_parsed_once_and_converted_by_the_units() {
        let typed = |t: &str| TypedAmount::positive(t);
        for bad in ["abc", "", "1.2.3", "-1", "1e6", "0", "0.000", "99999999999999999999"] {
            assert!(typed(bad).is_err(), "{bad}");
        }
        let whole = Units { raw: false };
        let half = typed("1.5").unwrap();
        whole.check("AMOUNT", &half).unwrap();
        assert_eq!(whole.parse(&half, 6).unwrap(), 1_500_000);
        assert!(whole.parse(&typed("0.000000001").unwrap(), 6).unwrap_err().to_string().contains("decimal places"));
        let raw = Units { raw: true };
        assert!(raw.check("AMOUNT", &half).unwrap_err().to_string().starts_with("AMOUNT: '1.5' is not a whole number"));
        assert_eq!(raw.parse(&typed("15").unwrap(), 6).unwrap(), 15);
    }

    #[test]
    fn waits_read_in_whole_units() {
        assert_eq!(wait(7 * 86_400 - 60), "6 d 23 h 59 min");
        assert_eq!(wait(3_600), "1 h");
        assert_eq!(wait(59), "59 s");
        assert_eq!(wait(61), "1 min");
    }

    #[test]
    fn times_read_as_utc() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_796_169_599), "2026-12-01 23:59:59 UTC");
    }
}

/// An audit's checks, one line each, then the deployment's trust assumptions.
pub fn check_lines(checks: &[diem_client::invariants::Check], trust_assumptions: &[String]) -> String {
    let mut out = String::new();
    for c in checks {
        out += &format!("  [{}] {}: {}\n", if c.ok { "ok" } else { "BROKEN" }, c.name, c.detail);
    }
    for t in trust_assumptions {
        out += &format!("  trust assumption: {t}\n");
    }
    out
}
