//! Synthetic event histories for the indexer's scale benchmark: millions of events by many
//! owners that replay cleanly, made with the program's own state methods (`Pool`, `Position`,
//! `DiemStake`) the way the handlers make them, then applied to a `Ledger` that checks each one.
//! Memory follows the number of owners, not of events: events are produced one at a time.
use anchor_lang::prelude::Pubkey;
use diem::events::*;
use diem::state::Params;
use diem_client::events::DiemEvent;
use diem_client::ledger::{Ledger, new_position, new_stake};
use rand::{Rng, SeedableRng};

pub struct Generator {
    ledger: Ledger,
    owners: Vec<Pubkey>,
    rng: rand::rngs::StdRng,
    params: Params,
    now: i64,
    /// Seconds between events.
    step: f64,
    clock: f64,
    seq: u64,
    /// Each owner's open DIEM tickets, by address: the ledger keeps tickets by address only,
    /// and scanning them all for every event made a million events take a quarter of an hour.
    open_tickets: std::collections::HashMap<Pubkey, std::collections::BTreeSet<Pubkey>>,
}

impl Generator {
    /// `owners` owners, events spread evenly over `days` days from `start` (unix seconds).
    pub fn new(owners: usize, events: u64, days: i64, start: i64, seed: u64) -> Self {
        let params = Params {
            emission_rate: 0,
            treasury_share_unlocked_bps: 0,
            treasury_share_locked_bps: 2_000,
            svvv_cooldown_secs: 7 * 86_400,
            diem_cooldown_secs: 86_400,
        };
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let owners = (0..owners).map(|_| Pubkey::new_from_array(rng.r#gen())).collect();
        Self {
            ledger: Ledger::new(),
            owners,
            rng,
            params,
            now: start,
            step: (days * 86_400) as f64 / events.max(1) as f64,
            clock: start as f64,
            seq: 0,
            open_tickets: Default::default(),
        }
    }

    pub fn owners(&self) -> &[Pubkey] {
        &self.owners
    }

    /// The next event, already checked by the ledger.
    pub fn next_event(&mut self) -> DiemEvent {
        self.seq += 1;
        self.clock += self.step;
        self.now = self.clock as i64;
        let seq = self.seq;
        let event = if seq == 1 {
            DiemEvent::Initialized(Initialized {
                seq,
                authority: Pubkey::new_from_array([1; 32]),
                vvv_mint: Pubkey::new_from_array([2; 32]),
                vvv_token_program: Pubkey::new_from_array([3; 32]),
                diem_mint: Pubkey::new_from_array([4; 32]),
                treasury: Pubkey::new_from_array([5; 32]),
                params: self.params,
                paused: 0,
                vvv_trust: 0,
                change_delay: 7 * 86_400,
                timestamp: self.now,
            })
        } else {
            self.user_event(seq)
        };
        self.ledger.apply(&event).unwrap_or_else(|e| panic!("synthetic event {seq} does not replay: {e}"));
        match &event {
            DiemEvent::DiemUnstakeInitiated(e) => {
                self.open_tickets.entry(e.owner).or_default().insert(e.ticket);
            }
            DiemEvent::DiemUnstakeCancelled(e) => {
                if let Some(open) = self.open_tickets.get_mut(&e.owner) {
                    open.remove(&e.ticket);
                }
            }
            _ => {}
        }
        event
    }

    fn user_event(&mut self, seq: u64) -> DiemEvent {
        let owner = self.owners[self.rng.gen_range(0..self.owners.len())];
        // Most stakes credit their controller; some credit another owner (a vault's depositor).
        let beneficiary =
            if self.rng.gen_range(0..10) == 0 { self.owners[self.rng.gen_range(0..self.owners.len())] } else { owner };
        let now = self.now;
        let mut pool = self.ledger.pool;
        let stake = self.ledger.diem_stakes.get(&(owner, beneficiary)).cloned();
        // One of the owner's open DIEM tickets, if any (the ledger keeps them by address).
        let open_ticket = self
            .open_tickets
            .get(&owner)
            .and_then(|open| open.first())
            .and_then(|a| self.ledger.tickets.get(a).map(|t| (*a, *t)));
        let roll: u32 = self.rng.gen_range(0..100);
        match (stake, open_ticket, roll) {
            (Some(mut s), _, 0..=19) if s.staked > 0 => {
                let amount = self.rng.gen_range(1..=s.staked);
                s.initiate_unstake(&mut pool, amount).expect("unstake");
                DiemEvent::DiemUnstakeInitiated(DiemUnstakeInitiated {
                    seq,
                    owner,
                    beneficiary,
                    ticket: Pubkey::new_from_array(self.rng.r#gen()),
                    rent_payer: owner,
                    amount,
                    unlock_at: now + self.params.diem_cooldown_secs,
                    timestamp: now,
                    staked: s.staked,
                    pool,
                })
            }
            (_, Some((ticket, t)), 20..=29) => {
                let mut s =
                    self.ledger.diem_stakes.get(&(owner, owner)).cloned().unwrap_or_else(|| new_stake(owner, owner));
                s.cancel_unstake(&mut pool, t.amount).expect("cancel");
                DiemEvent::DiemUnstakeCancelled(DiemUnstakeCancelled {
                    seq,
                    owner,
                    beneficiary: owner,
                    ticket,
                    amount: t.amount,
                    timestamp: now,
                    staked: s.staked,
                    pool,
                })
            }
            (_, _, 30..=59) => {
                pool.accrue(now, &self.params).expect("accrue");
                let existing = self.ledger.positions.get(&owner).cloned();
                let mut position = existing.clone().unwrap_or_else(|| new_position(owner, &pool));
                let amount = self.rng.gen_range(1_000..1_000_000_000);
                position.stake(&mut pool, amount).expect("stake");
                DiemEvent::Staked(Staked {
                    seq,
                    payer: owner,
                    owner,
                    amount,
                    position_opened: existing.is_none(),
                    position: position.balances,
                    pool,
                })
            }
            (s, _, _) => {
                let mut s = s.unwrap_or_else(|| new_stake(owner, beneficiary));
                let amount = self.rng.gen_range(10_000_000..10_000_000_000);
                s.stake(&mut pool, amount).expect("stake DIEM");
                DiemEvent::DiemStaked(DiemStaked {
                    seq,
                    owner,
                    beneficiary,
                    amount,
                    timestamp: now,
                    staked: s.staked,
                    pool,
                })
            }
        }
    }
}
