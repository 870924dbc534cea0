//! SPEC §9: replaying the program's events from `initialize` reproduces every position, every
//! DIEM stake and every total exactly. A long random sequence of operations by several users
//! runs on the bank (invariants checked after every step); its events are then replayed into a
//! fresh `Ledger` and compared with the accounts on chain.
//!
//! `DIEM_REPLAY_OPS` sets the number of successful operations (default 2,000).
use std::time::Instant;

use diem::constants::*;
use diem_client::events::DiemEvent;
use diem_client::ledger::{Ledger, ReplayError};
use diem_client::{ix, pda};
use diem_tests::*;
use solana_signer::Signer;

/// xorshift64*: deterministic, dependency-free randomness (the seed is printed).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    /// A random amount in 1..=max, biased towards small and whole amounts.
    fn amount(&mut self, max: u64) -> u64 {
        if max == 0 {
            return 0;
        }
        match self.below(4) {
            0 => max,
            1 => 1 + self.below(max.min(1_000)),
            _ => 1 + self.below(max),
        }
    }
}

#[tokio::test]
async fn replaying_events_reproduces_every_account() {
    let target: usize = std::env::var("DIEM_REPLAY_OPS").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000);
    let seed: u64 = std::env::var("DIEM_REPLAY_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5eed_d1e4);
    let started = Instant::now();
    let mut rng = Rng(seed);
    let mut env = Env::launched().await;
    let funder = env.user(10_000_000 * ONE_VVV).await;
    env.by(&funder).fund_rewards(1_000_000 * ONE_VVV).await.unwrap();
    let mut users = Vec::new();
    for _ in 0..4 {
        users.push(env.user(1_000_000 * ONE_VVV).await);
    }
    let authority = env.authority.insecure_clone();
    let (mut succeeded, mut attempted) = (0usize, 0usize);
    let mut by_kind = std::collections::BTreeMap::<&str, usize>::new();
    while succeeded < target {
        attempted += 1;
        assert!(attempted < target * 10, "too many failed operations: {succeeded} of {attempted}");
        let u = &users[rng.below(users.len() as u64) as usize];
        let other = &users[rng.below(users.len() as u64) as usize];
        let owner = u.pubkey();
        let position = env.position(&owner).await.map(|p| p.balances).unwrap_or_default();
        let staked = env.diem_stake(&owner).await.map(|s| s.staked).unwrap_or_default();
        let (kind, result) = match rng.below(100) {
            0..=13 => {
                let free = env.balance(u.vvv).await;
                (
                    "stake",
                    env.by(u)
                        .stake(rng.amount(free), Some(if rng.below(5) == 0 { other.pubkey() } else { owner }))
                        .await,
                )
            }
            14..=19 => ("initiate_unstake", env.by(u).unstake(rng.amount(position.active - position.locked)).await),
            20 => match env.by(u).oldest_ticket(if rng.below(2) == 0 { TicketKind::Svvv } else { TicketKind::Diem }).await {
                Ok(ticket) => ("transfer_ticket", env.by(u).transfer_ticket(&ticket, other.pubkey()).await),
                Err(_) => continue,
            },
            21..=22 => ("cancel_unstake", env.by(u).cancel_oldest_unstake().await),
            23..=27 => ("finalize_unstake", env.by(u).finalize_oldest_unstake().await),
            28..=33 => ("claim", env.by(u).claim().await),
            34..=36 => ("claim_and_stake", env.by(u).claim_and_stake().await),
            37..=48 => ("mint", env.by(u).mint(rng.amount((position.active - position.locked) / 4), 0).await),
            49..=57 => {
                let holding = env.balance(u.diem).await.min(position.outstanding_diem);
                ("burn", env.by(u).burn(rng.amount(holding)).await)
            }
            58..=62 => {
                let holding = env.balance(u.diem).await;
                if holding == 0 || u.pubkey() == other.pubkey() {
                    continue;
                }
                env.transfer_diem(u, other, rng.amount(holding)).await;
                ("transfer_diem", Ok(Outcome::default()))
            }
            63..=70 => {
                let holding = env.balance(u.diem).await;
                let beneficiary = if rng.below(4) == 0 { other.pubkey() } else { owner };
                ("stake_diem", env.by(u).stake_diem(rng.amount(holding), Some(beneficiary)).await)
            }
            71..=75 => ("initiate_diem_unstake", env.by(u).unstake_diem(rng.amount(staked), None).await),
            76..=77 => ("cancel_diem_unstake", env.by(u).cancel_oldest_diem_unstake().await),
            78..=81 => ("finalize_diem_unstake", env.by(u).finalize_oldest_diem_unstake().await),
            82..=84 => ("fund_rewards", env.by(&funder).fund_rewards(rng.amount(10_000 * ONE_VVV)).await),
            85..=86 => ("pay_treasury", env.anyone().pay_treasury().await),
            87 => {
                let mut params = launch_params();
                params.emission_rate = rng.amount(5 * ONE_VVV);
                params.treasury_share_unlocked_bps = rng.below(3_000) as u32;
                params.treasury_share_locked_bps = rng.below(10_001) as u32;
                ("set_params", env.send(&[ix::set_params(authority.pubkey(), params)], &[&authority]).await)
            }
            _ => {
                let secs = [1, 60, 3_600, SECONDS_PER_DAY, 7 * SECONDS_PER_DAY][rng.below(5) as usize];
                env.advance(secs).await;
                continue;
            }
        };
        if result.is_ok() {
            succeeded += 1;
            *by_kind.entry(kind).or_default() += 1;
        }
    }
    let ran = started.elapsed();

    // Rebuild the books from the events alone and compare them with the chain.
    let replay_started = Instant::now();
    let ledger = Ledger::replay(&env.event_log).unwrap_or_else(|e| panic!("replay failed: {e}"));
    let replayed = replay_started.elapsed();
    let config = env.config().await;
    assert_eq!(ledger.pool, config.pool, "pool");
    assert_eq!(ledger.params, Some(config.params), "params");
    assert_eq!(
        (ledger.paused, ledger.curve_version, ledger.authority, ledger.treasury),
        (config.paused, config.curve_version, config.authority, config.treasury)
    );
    assert_eq!(ledger.diem_supply, env.supply(pda::diem_mint()).await, "DIEM supply");
    // Every owner a position or a DIEM stake can belong to.
    let owners: Vec<_> = users.iter().chain([&funder]).map(|u| u.pubkey()).collect();
    let mut compared = 0;
    for owner in &owners {
        match (env.position(owner).await, ledger.positions.get(owner)) {
            (Some(chain), Some(rebuilt)) => {
                assert_eq!(chain.balances, rebuilt.balances, "position of {owner}");
                compared += 1;
            }
            (None, None) => {}
            (chain, rebuilt) => panic!("position of {owner}: chain {chain:?}, ledger {rebuilt:?}"),
        }
    }
    for (owner, beneficiary) in owners.iter().flat_map(|o| owners.iter().map(move |b| (*o, *b))) {
        match (env.diem_stake_for(&owner, &beneficiary).await, ledger.diem_stakes.get(&(owner, beneficiary))) {
            (Some(chain), Some(rebuilt)) => {
                assert_eq!(chain.staked, rebuilt.staked, "DIEM stake of {owner} for {beneficiary}");
                compared += 1;
            }
            (None, None) => {}
            (chain, rebuilt) => panic!("DIEM stake of {owner} for {beneficiary}: chain {chain:?}, ledger {rebuilt:?}"),
        }
    }
    // Every open ticket the events leave is on chain as they describe it, and no other is.
    for (address, _) in env.tickets_opened() {
        match (env.ticket(&address).await, ledger.tickets.get(&address)) {
            (Some(chain), Some(rebuilt)) => {
                assert!(rebuilt.matches(&chain), "ticket {address}: chain {chain:?}, ledger {rebuilt:?}");
                compared += 1;
            }
            (None, None) => {}
            (chain, rebuilt) => panic!("ticket {address}: chain {chain:?}, ledger {rebuilt:?}"),
        }
    }
    assert_eq!(ledger.positions.len() + ledger.diem_stakes.len() + ledger.tickets.len(), compared);
    // The replay is a real check: one dropped event, or one altered amount, is caught.
    let first_user_event = env.event_log.iter().position(|e| matches!(e, DiemEvent::Staked(_))).unwrap();
    let mut dropped = env.event_log.clone();
    dropped.remove(first_user_event);
    let missing = env.event_log[first_user_event].seq();
    assert_eq!(
        Ledger::replay(&dropped).unwrap_err(),
        ReplayError::SequenceGap { expected: missing, found: missing + 1, event: dropped[first_user_event].name() },
        "a dropped Staked event is a named gap"
    );
    // Two events swapped (as same-slot transactions listed out of order would be) are a gap too.
    let mut swapped = env.event_log.clone();
    swapped.swap(first_user_event, first_user_event + 1);
    assert!(matches!(Ledger::replay(&swapped), Err(ReplayError::SequenceGap { .. })), "a swap went unnoticed");
    let mut altered = env.event_log.clone();
    let burn = altered.iter().position(|e| matches!(e, DiemEvent::DiemBurned(_))).unwrap();
    if let DiemEvent::DiemBurned(e) = &mut altered[burn] {
        e.svvv_unlocked += 1;
    }
    assert!(Ledger::replay(&altered).is_err(), "an altered burn went unnoticed");
    assert!(by_kind.len() >= 15, "too few kinds of operation exercised: {by_kind:?}");
    println!(
        "replay: seed {seed:#x}, {succeeded} operations succeeded of {attempted} attempted in {:.1?}; {} events replayed in {:.1?}; {compared} accounts compared",
        ran, ledger.events_applied, replayed
    );
    println!("operations by kind: {by_kind:?}");
}
