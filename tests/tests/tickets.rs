//! Unstake tickets (SPEC §3, §7): several per owner, each with the unlock time fixed when it was
//! opened, finalized one at a time; handed from one owner to another, who then alone finalizes
//! or cancels it; the rent back to whoever paid it.
use diem::constants::*;
use diem::errors::DiemError;
use diem::events::{TicketTransferred, UnstakeCancelled};
use diem_tests::*;

#[tokio::test]
async fn an_owner_with_several_tickets_finalizes_each_at_its_own_time() {
    let mut env = Env::launched().await;
    let alice = env.user(1_000 * ONE_VVV).await;
    env.by(&alice).stake(1_000 * ONE_VVV, None).await.unwrap();
    let mut tickets = Vec::new();
    for amount in [100, 200, 300] {
        tickets.push(opened_ticket(&env.by(&alice).unstake(amount * ONE_VVV).await.unwrap()).unwrap());
        env.advance(SECONDS_PER_DAY).await;
    }
    assert_eq!(env.config().await.pool.total_cooldown, 600 * ONE_VVV);
    let unlocks: Vec<i64> = {
        let mut u = Vec::new();
        for t in &tickets {
            u.push(env.ticket(t).await.unwrap().unlock_at);
        }
        u
    };
    assert!(unlocks.windows(2).all(|w| w[1] == w[0] + SECONDS_PER_DAY), "{unlocks:?}");
    // Each becomes due on its own day; the later ones wait.
    for (i, ticket) in tickets.iter().enumerate() {
        let now = env.now().await;
        env.advance(unlocks[i] - now).await;
        for later in &tickets[i + 1..] {
            assert_diem_err(env.by(&alice).finalize_unstake(later).await.unwrap_err(), DiemError::CooldownNotElapsed);
        }
        env.by(&alice).finalize_unstake(ticket).await.unwrap();
    }
    assert_eq!(env.balance(alice.vvv).await, 600 * ONE_VVV);
    assert_eq!(env.config().await.pool.total_cooldown, 0);
}

#[tokio::test]
async fn a_handed_ticket_is_the_new_owners_alone() {
    let mut env = Env::launched().await;
    let alice = env.user(1_000 * ONE_VVV).await;
    let bob = env.user(0).await;
    env.by(&alice).stake(1_000 * ONE_VVV, None).await.unwrap();
    let out = env.by(&alice).unstake(400 * ONE_VVV).await.unwrap();
    let ticket = opened_ticket(&out).unwrap();
    let unlock_at = env.ticket(&ticket).await.unwrap().unlock_at;
    let ev: TicketTransferred = env.by(&alice).transfer_ticket(&ticket, bob.pubkey()).await.unwrap().event();
    assert_eq!(
        (ev.ticket, ev.kind, ev.from, ev.to, ev.amount, ev.unlock_at),
        (ticket, TicketKind::Svvv, alice.pubkey(), bob.pubkey(), 400 * ONE_VVV, unlock_at)
    );
    let t = env.ticket(&ticket).await.unwrap();
    assert_eq!((t.owner, t.rent_payer, t.unlock_at), (bob.pubkey(), alice.pubkey(), unlock_at), "only the owner changed");
    // Alice no longer can act on it.
    let as_alice = TicketRef { address: ticket, owner: alice.pubkey(), rent_payer: alice.pubkey() };
    assert_diem_err(env.send_err(&[diem_client::ix::cancel_unstake(&as_alice)], &[&alice.key]).await, DiemError::NotTicketOwner);
    // Bob cancels it: the sVVV joins Bob's position, opened for him by the cancel.
    assert!(env.position(&bob.pubkey()).await.is_none());
    let ev: UnstakeCancelled = env.by(&bob).cancel_unstake(&ticket).await.unwrap().event();
    assert_eq!((ev.owner, ev.amount, ev.position.active), (bob.pubkey(), 400 * ONE_VVV, 400 * ONE_VVV));
    assert_eq!(env.position(&alice.pubkey()).await.unwrap().balances.active, 600 * ONE_VVV);
    // A second ticket handed to Bob and finalized by him: the VVV is his, the rent Alice's.
    let ticket = opened_ticket(&env.by(&alice).unstake(100 * ONE_VVV).await.unwrap()).unwrap();
    env.by(&alice).transfer_ticket(&ticket, bob.pubkey()).await.unwrap();
    env.advance(7 * SECONDS_PER_DAY).await;
    let alice_lamports = env.account(alice.pubkey()).await.unwrap().lamports;
    env.by(&bob).finalize_unstake(&ticket).await.unwrap();
    assert_eq!(env.balance(bob.vvv).await, 100 * ONE_VVV);
    let rent = anchor_lang::prelude::Rent::default().minimum_balance(diem::state::UnstakeTicket::SPACE);
    assert_eq!(env.account(alice.pubkey()).await.unwrap().lamports, alice_lamports + rent);
}

/// SPEC §10.7: nothing anyone does moves an open ticket's unlock time later — not a newer
/// request, not a cooldown raise, not a transfer.
#[tokio::test]
async fn no_action_moves_an_open_tickets_unlock_time() {
    let mut env = Env::launched().await;
    let alice = env.user(1_000 * ONE_VVV).await;
    let bob = env.user(0).await;
    env.by(&alice).stake(1_000 * ONE_VVV, None).await.unwrap();
    let ticket = opened_ticket(&env.by(&alice).unstake(100 * ONE_VVV).await.unwrap()).unwrap();
    let unlock_at = env.ticket(&ticket).await.unwrap().unlock_at;
    let authority = env.authority.insecure_clone();
    // A longer delay applies at once; it makes room for a 30-day cooldown, which is queued.
    let delay = diem::state::Change::ChangeDelay { secs: 40 * SECONDS_PER_DAY };
    env.by(&authority).propose_change(delay).await.unwrap();
    let raise = diem::state::Change::SvvvCooldown { secs: 30 * SECONDS_PER_DAY };
    env.by(&authority).propose_change(raise).await.unwrap();
    env.advance(SECONDS_PER_DAY).await;
    env.by(&alice).unstake(100 * ONE_VVV).await.unwrap();
    env.by(&alice).transfer_ticket(&ticket, bob.pubkey()).await.unwrap();
    let delay = env.reader().governance().await.unwrap().change_delay;
    env.advance(delay).await;
    env.by(&authority).apply_change(raise.kind()).await.unwrap();
    env.by(&alice).unstake(100 * ONE_VVV).await.unwrap();
    assert_eq!(env.ticket(&ticket).await.unwrap().unlock_at, unlock_at);
    // check_invariants (after every transaction) compares every open ticket with its opening
    // event; the last ticket took the raised cooldown.
    let opened = env.tickets_opened();
    let (last, last_unlock) = opened[opened.len() - 1];
    assert_eq!(env.ticket(&last).await.unwrap().unlock_at, last_unlock);
    assert_eq!(last_unlock, env.now().await + 30 * SECONDS_PER_DAY);
    env.by(&bob).finalize_unstake(&ticket).await.unwrap();
}
