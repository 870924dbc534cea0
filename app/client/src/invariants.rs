//! SPEC §10, checked over a snapshot of the program's accounts. One implementation serves the
//! `audit` command and the integration tests' after-every-step check.
use anchor_lang::prelude::Pubkey;
use diem::state::{DiemStake, Pool, Position, TicketKind, UnstakeTicket};
use serde::Serialize;

/// One check and what it found.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Check {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

/// The accounts §10 is about, as read from chain (positions by the owner whose PDA they were
/// read from, DIEM stakes by their (owner, beneficiary) seeds, tickets by address).
pub struct Snapshot<'a> {
    pub pool: Pool,
    pub positions: &'a [(Pubkey, Position)],
    pub diem_stakes: &'a [((Pubkey, Pubkey), DiemStake)],
    pub tickets: &'a [(Pubkey, UnstakeTicket)],
    pub vvv_vault: u64,
    pub diem_vault: u64,
    pub diem_supply: u64,
}

/// Every invariant of SPEC §10 that the accounts can show (§10.6 is a property of sequences,
/// checked by the tests' books).
pub fn check(s: &Snapshot) -> Vec<Check> {
    let pool = s.pool;
    let mut checks = Vec::new();
    let mut check = |name: &str, ok: bool, detail: String| checks.push(Check { name: name.to_string(), ok, detail });

    let wrong_owner: Vec<String> = s
        .positions
        .iter()
        .filter(|(owner, p)| p.owner != *owner)
        .map(|(owner, _)| format!("position {owner}"))
        .chain(
            s.diem_stakes
                .iter()
                .filter(|((owner, beneficiary), d)| (d.owner, d.beneficiary) != (*owner, *beneficiary))
                .map(|((owner, beneficiary), _)| format!("DIEM stake {owner} for {beneficiary}")),
        )
        .collect();
    check("accounts hold the owner of their address", wrong_owner.is_empty(), wrong_owner.join(", "));

    let (mut active, mut locked, mut outstanding, mut owed) = (0u128, 0u128, 0u128, 0u128);
    let (mut broken, mut unowed) = (Vec::new(), Vec::new());
    for (owner, p) in s.positions {
        let b = p.balances;
        if b.locked > b.active || (b.outstanding_diem == 0 && b.locked > 0) {
            broken.push(format!(
                "{owner}: locked {} of active {}, outstanding {}",
                b.locked, b.active, b.outstanding_diem
            ));
        }
        active += b.active as u128;
        locked += b.locked as u128;
        outstanding += b.outstanding_diem as u128;
        match p.pending_rewards_at(&pool) {
            Some(pending) => owed += pending as u128,
            None => unowed.push(owner.to_string()),
        }
    }
    let in_tickets = |kind: TicketKind| -> u128 {
        s.tickets.iter().filter(|(_, t)| t.kind == kind).map(|(_, t)| t.amount as u128).sum()
    };
    let cooldown = in_tickets(TicketKind::Svvv);
    let staked: u128 = s.diem_stakes.iter().map(|(_, d)| d.staked as u128).sum();
    let staked_cooldown = in_tickets(TicketKind::Diem);

    check("rewards owed compute for every position", unowed.is_empty(), unowed.join(", "));
    let liabilities = pool.total_active as u128
        + pool.total_cooldown as u128
        + pool.reward_reserve as u128
        + owed
        + pool.treasury_accrued as u128;
    check(
        "§10.1 VVV vault covers stake, cooldowns, reserve, rewards owed and treasury",
        s.vvv_vault as u128 >= liabilities,
        format!("vault {} >= {liabilities}", s.vvv_vault),
    );
    let booked = liabilities - owed + pool.unclaimed_rewards as u128;
    check(
        "§10.1 VVV vault covers the pool's books (unclaimed rewards in full)",
        s.vvv_vault as u128 >= booked,
        format!("vault {} >= {booked}", s.vvv_vault),
    );
    check(
        "unclaimed rewards cover every position's pending rewards",
        owed <= pool.unclaimed_rewards as u128,
        format!("owed {owed} <= unclaimed {}", pool.unclaimed_rewards),
    );
    // DIEM burned through the token program directly lowers the supply below what the program
    // counts outstanding: reported, not a break (the positions it backed stay locked). Supply
    // above outstanding would be DIEM minted outside the program: a break.
    let burned_outside = pool.outstanding_diem.saturating_sub(s.diem_supply);
    check(
        "§10.2 DIEM supply <= outstanding == Σ positions",
        s.diem_supply <= pool.outstanding_diem && outstanding == pool.outstanding_diem as u128,
        format!(
            "supply {}, outstanding {}, Σ {outstanding}; {burned_outside} burned outside the program",
            s.diem_supply, pool.outstanding_diem
        ),
    );
    check("§10.3 locked <= active, and no locked sVVV without DIEM", broken.is_empty(), broken.join("; "));
    check(
        "§10.4 Σ positions == totals (active, locked); Σ open sVVV tickets == sVVV in cooldown",
        active == pool.total_active as u128
            && locked == pool.total_locked as u128
            && cooldown == pool.total_cooldown as u128,
        format!(
            "active {active}/{}, locked {locked}/{}, cooldown {cooldown}/{}",
            pool.total_active, pool.total_locked, pool.total_cooldown
        ),
    );
    check(
        "§10.4 Σ DIEM stakes == DIEM staked; Σ open DIEM tickets == DIEM in cooldown",
        staked == pool.total_diem_staked as u128 && staked_cooldown == pool.total_diem_cooldown as u128,
        format!("staked {staked}/{}, cooldown {staked_cooldown}/{}", pool.total_diem_staked, pool.total_diem_cooldown),
    );
    check(
        "§10.5 DIEM vault covers staked DIEM and its cooldown",
        s.diem_vault as u128 >= pool.total_diem_staked as u128 + pool.total_diem_cooldown as u128,
        format!("vault {}", s.diem_vault),
    );
    checks
}

#[cfg(test)]
mod tests {
    use super::*;
    use diem::state::PositionBalances;

    fn position(owner: Pubkey, active: u64, locked: u64, outstanding: u64) -> Position {
        let balances = PositionBalances { active, locked, outstanding_diem: outstanding, ..Default::default() };
        Position { balances, ..Position::new(owner, 0, &Default::default()) }
    }

    #[test]
    fn a_consistent_snapshot_passes_and_each_break_is_named() {
        let owner = Pubkey::new_unique();
        let pool = Pool { total_active: 100, total_locked: 40, outstanding_diem: 7, ..Default::default() };
        let positions = [(owner, position(owner, 100, 40, 7))];
        let snapshot =
            Snapshot {
                pool,
                positions: &positions,
                diem_stakes: &[],
                tickets: &[],
                vvv_vault: 100,
                diem_vault: 0,
                diem_supply: 7,
            };
        assert!(check(&snapshot).iter().all(|c| c.ok), "{:#?}", check(&snapshot));

        let failed = |s: &Snapshot| check(s).into_iter().filter(|c| !c.ok).map(|c| c.name).collect::<Vec<_>>();
        assert!(failed(&Snapshot { vvv_vault: 99, ..snapshot })[0].starts_with("§10.1"));
        assert!(failed(&Snapshot { diem_supply: 8, ..snapshot })[0].starts_with("§10.2"), "minted outside");
        let burned = check(&Snapshot { diem_supply: 5, ..snapshot });
        assert!(burned.iter().all(|c| c.ok), "a raw burn is not a break: {burned:#?}");
        assert!(burned.iter().any(|c| c.detail.ends_with("2 burned outside the program")));
        let locked_without_diem = [(owner, position(owner, 100, 40, 0))];
        let f = failed(&Snapshot { positions: &locked_without_diem, ..snapshot });
        assert!(f.iter().any(|n| n.starts_with("§10.3")), "{f:?}");
        let someone_else = [(Pubkey::new_unique(), position(owner, 100, 40, 7))];
        assert_eq!(
            failed(&Snapshot { positions: &someone_else, ..snapshot }),
            ["accounts hold the owner of their address"]
        );
    }
}
