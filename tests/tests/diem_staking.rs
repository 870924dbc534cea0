//! DIEM staking for inference credit (SPEC §7): stake for a beneficiary, one ticket per unstake
//! request (none moves another), cancel and finalize, a change of beneficiary.
use diem::constants::*;
use diem::errors::DiemError;
use diem::events::{DiemBeneficiaryChanged, DiemStaked, DiemUnstakeCancelled, DiemUnstakeFinalized, DiemUnstakeInitiated};
use diem_client::{ix, pda};
use diem_tests::*;
use solana_signer::Signer;

/// A launched bank where Alice minted DIEM and Bob bought some from her without ever minting.
async fn env_with_diem() -> (Env, User, User, u64) {
    let mut env = Env::launched().await;
    let alice = env.user(10_000 * ONE_VVV).await;
    let bob = env.user(0).await;
    env.by(&alice).stake(10_000 * ONE_VVV, None).await.unwrap();
    let minted = env.by(&alice).mint(9_000 * ONE_VVV, 0).await.unwrap().return_u64();
    env.transfer_diem(&alice, &bob, 10 * ONE_DIEM).await;
    (env, alice, bob, minted)
}

#[tokio::test]
async fn staking_diem_needs_no_minting_and_counts_at_once() {
    let (mut env, _alice, bob, _) = env_with_diem().await;
    let now = env.now().await;
    let ev: DiemStaked = env.by(&bob).stake_diem(4 * ONE_DIEM, None).await.unwrap().event();
    assert_eq!(
        (ev.owner, ev.beneficiary, ev.amount, ev.timestamp, ev.staked),
        (bob.pubkey(), bob.pubkey(), 4 * ONE_DIEM, now, 4 * ONE_DIEM)
    );
    assert_eq!(ev.pool.total_diem_staked, 4 * ONE_DIEM);
    assert_eq!(env.balance(bob.diem).await, 6 * ONE_DIEM);
    assert_eq!(env.balance(pda::diem_vault()).await, 4 * ONE_DIEM);
    assert!(env.position(&bob.pubkey()).await.is_none(), "no sVVV position was needed");
    let ev: DiemStaked = env.by(&bob).stake_diem(6 * ONE_DIEM, None).await.unwrap().event();
    assert_eq!(ev.staked, 10 * ONE_DIEM);
}

/// The live system's one bucket restarts on every request; here each request is its own ticket
/// with its own unlock time, and the owner finalizes each when it is due.
#[tokio::test]
async fn each_request_is_a_ticket_that_keeps_its_own_unlock_time() {
    let (mut env, _alice, bob, _) = env_with_diem().await;
    env.by(&bob).stake_diem(10 * ONE_DIEM, None).await.unwrap();
    let t0 = env.now().await;
    let first: DiemUnstakeInitiated = env.by(&bob).unstake_diem(3 * ONE_DIEM, None).await.unwrap().event();
    assert_eq!((first.unlock_at, first.staked), (t0 + SECONDS_PER_DAY, 7 * ONE_DIEM));
    let stake = pda::diem_stake(&bob.pubkey(), &bob.pubkey());
    assert_eq!(first.ticket, pda::ticket(&stake, 0));
    env.advance(SECONDS_PER_DAY / 2).await;
    let second: DiemUnstakeInitiated = env.by(&bob).unstake_diem(2 * ONE_DIEM, None).await.unwrap().event();
    assert_eq!((second.unlock_at, second.ticket), (t0 + SECONDS_PER_DAY / 2 + SECONDS_PER_DAY, pda::ticket(&stake, 1)));
    assert_eq!((second.pool.total_diem_staked, second.pool.total_diem_cooldown), (5 * ONE_DIEM, 5 * ONE_DIEM));
    // The second request did not move the first.
    assert_eq!(env.ticket(&first.ticket).await.unwrap().unlock_at, first.unlock_at);
    let held = env.reader().tickets_of(&bob.pubkey()).await.unwrap();
    assert_eq!(held.iter().map(|(a, _)| *a).collect::<Vec<_>>(), vec![first.ticket, second.ticket]);
    // The first is due after one day, the second is not.
    env.advance(SECONDS_PER_DAY / 2).await;
    assert_diem_err(
        env.by(&bob).finalize_diem_unstake(&second.ticket).await.unwrap_err(),
        DiemError::CooldownNotElapsed,
    );
    let ev: DiemUnstakeFinalized = env.by(&bob).finalize_diem_unstake(&first.ticket).await.unwrap().event();
    assert_eq!((ev.amount, ev.destination, ev.ticket), (3 * ONE_DIEM, bob.diem, first.ticket));
    assert_eq!(env.balance(bob.diem).await, 3 * ONE_DIEM);
    env.advance(SECONDS_PER_DAY / 2).await;
    env.by(&bob).finalize_diem_unstake(&second.ticket).await.unwrap();
    assert_eq!(env.balance(bob.diem).await, 5 * ONE_DIEM);
    assert!(env.reader().tickets_of(&bob.pubkey()).await.unwrap().is_empty());
}

/// A cooldown change applies to tickets opened after it; open tickets keep their unlock time.
#[tokio::test]
async fn a_cooldown_change_applies_to_new_tickets_only() {
    let (mut env, _alice, bob, _) = env_with_diem().await;
    env.by(&bob).stake_diem(10 * ONE_DIEM, None).await.unwrap();
    let before: DiemUnstakeInitiated = env.by(&bob).unstake_diem(ONE_DIEM, None).await.unwrap().event();
    let authority = env.authority.insecure_clone();
    // A longer delay applies at once and makes room for the longer cooldown, which is queued.
    env.by(&authority).propose_change(diem::state::Change::ChangeDelay { secs: 12 * SECONDS_PER_DAY }).await.unwrap();
    let change = diem::state::Change::DiemCooldown { secs: 3 * SECONDS_PER_DAY };
    env.by(&authority).propose_change(change).await.unwrap();
    let delay = env.reader().governance().await.unwrap().change_delay;
    env.advance(delay).await;
    env.by(&authority).apply_change(change.kind()).await.unwrap();
    assert_eq!(env.ticket(&before.ticket).await.unwrap().unlock_at, before.unlock_at, "the open ticket kept its time");
    let now = env.now().await;
    let after: DiemUnstakeInitiated = env.by(&bob).unstake_diem(ONE_DIEM, None).await.unwrap().event();
    assert_eq!(after.unlock_at, now + 3 * SECONDS_PER_DAY);
    env.by(&bob).finalize_diem_unstake(&before.ticket).await.unwrap();
}

#[tokio::test]
async fn cancel_returns_the_ticket_to_a_stake() {
    let (mut env, alice, bob, _) = env_with_diem().await;
    env.by(&bob).stake_diem(10 * ONE_DIEM, None).await.unwrap();
    let ticket = opened_ticket(&env.by(&bob).unstake_diem(10 * ONE_DIEM, None).await.unwrap()).unwrap();
    let ev: DiemUnstakeCancelled = env.by(&bob).cancel_diem_unstake(&ticket, None).await.unwrap().event();
    assert_eq!((ev.amount, ev.staked, ev.beneficiary, ev.ticket), (10 * ONE_DIEM, 10 * ONE_DIEM, bob.pubkey(), ticket));
    assert!(env.ticket(&ticket).await.is_none());
    // Cancelled into the stake for another beneficiary (opened by the cancel).
    let ticket = opened_ticket(&env.by(&bob).unstake_diem(4 * ONE_DIEM, None).await.unwrap()).unwrap();
    let ev: DiemUnstakeCancelled =
        env.by(&bob).cancel_diem_unstake(&ticket, Some(alice.pubkey())).await.unwrap().event();
    assert_eq!((ev.beneficiary, ev.staked), (alice.pubkey(), 4 * ONE_DIEM));
    assert_eq!(env.diem_stake_for(&bob.pubkey(), &alice.pubkey()).await.unwrap().staked, 4 * ONE_DIEM);
}

/// A controller stakes for several beneficiaries; each is credited its own part, and the
/// controller alone can unstake or redirect it.
#[tokio::test]
async fn a_controller_stakes_for_beneficiaries_and_redirects_a_stake() {
    let (mut env, alice, bob, _) = env_with_diem().await;
    let carol = env.wallet().await;
    let ev: DiemStaked = env.by(&bob).stake_diem(3 * ONE_DIEM, Some(alice.pubkey())).await.unwrap().event();
    assert_eq!((ev.owner, ev.beneficiary, ev.staked), (bob.pubkey(), alice.pubkey(), 3 * ONE_DIEM));
    env.by(&bob).stake_diem(2 * ONE_DIEM, Some(carol.pubkey())).await.unwrap();
    env.by(&alice).stake_diem(ONE_DIEM, None).await.unwrap();
    let credited = diem_client::credit::diem_staked_at(&env.bank.event_log, i64::MAX);
    assert_eq!(credited.get(&alice.pubkey()), Some(&(4 * ONE_DIEM)), "Alice: her own 1 and Bob's 3 for her");
    assert_eq!(credited.get(&carol.pubkey()), Some(&(2 * ONE_DIEM)));
    assert_eq!(credited.get(&bob.pubkey()), None, "Bob controls 5 DIEM but is credited none");
    // The beneficiary cannot unstake what Bob staked for her: the stake is Bob's to control.
    let ix = swap_account(
        ix::initiate_diem_unstake(alice.pubkey(), alice.pubkey(), alice.pubkey(), 0, ONE_DIEM),
        pda::diem_stake(&alice.pubkey(), &alice.pubkey()),
        pda::diem_stake(&bob.pubkey(), &alice.pubkey()),
    );
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::NotPositionOwner);
    // Bob redirects Carol's part to Alice: it counts for Alice from the next 00:00 UTC.
    let ev: DiemBeneficiaryChanged =
        env.by(&bob).set_diem_beneficiary(carol.pubkey(), alice.pubkey()).await.unwrap().event();
    assert_eq!((ev.from, ev.to, ev.amount, ev.to_staked), (carol.pubkey(), alice.pubkey(), 2 * ONE_DIEM, 5 * ONE_DIEM));
    assert_eq!(env.diem_stake_for(&bob.pubkey(), &carol.pubkey()).await.unwrap().staked, 0);
    let credited = diem_client::credit::diem_staked_at(&env.bank.event_log, i64::MAX);
    assert_eq!((credited.get(&alice.pubkey()), credited.get(&carol.pubkey())), (Some(&(6 * ONE_DIEM)), None));
    // Refusals, by name: the default key, the same beneficiary, an empty stake.
    assert_diem_err(
        env.by(&bob).stake_diem(ONE_DIEM, Some(Pubkey::default())).await.unwrap_err(),
        DiemError::InvalidBeneficiary,
    );
    assert_diem_err(
        env.by(&bob).set_diem_beneficiary(alice.pubkey(), Pubkey::default()).await.unwrap_err(),
        DiemError::InvalidBeneficiary,
    );
    assert_diem_err(
        env.by(&bob).set_diem_beneficiary(alice.pubkey(), alice.pubkey()).await.unwrap_err(),
        DiemError::SameBeneficiary,
    );
    assert_diem_err(
        env.by(&bob).set_diem_beneficiary(carol.pubkey(), bob.pubkey()).await.unwrap_err(),
        DiemError::InsufficientDiemStaked,
    );
    let ticket = opened_ticket(&env.by(&bob).unstake_diem(ONE_DIEM, Some(alice.pubkey())).await.unwrap()).unwrap();
    assert_diem_err(
        env.by(&bob).cancel_diem_unstake(&ticket, Some(Pubkey::default())).await.unwrap_err(),
        DiemError::InvalidBeneficiary,
    );
}

#[tokio::test]
async fn diem_staking_misuse_is_refused_by_name() {
    let (mut env, alice, bob, _) = env_with_diem().await;
    assert_diem_err(env.by(&bob).stake_diem(0, None).await.unwrap_err(), DiemError::ZeroAmount);
    // Someone else's DIEM account; a VVV account; more than the wallet holds.
    let ix = ix::stake_diem(bob.pubkey(), bob.pubkey(), alice.diem, 1);
    assert_diem_err(env.send_err(&[ix], &[&bob.key]).await, DiemError::TokenAccountNotOwned);
    let ix = ix::stake_diem(alice.pubkey(), alice.pubkey(), alice.vvv, 1);
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::WrongMint);
    assert!(env.by(&bob).stake_diem(10 * ONE_DIEM + 1, None).await.is_err());
    env.by(&bob).stake_diem(10 * ONE_DIEM, None).await.unwrap();
    env.by(&alice).stake_diem(ONE_DIEM, None).await.unwrap();
    // Unstaking more than staked, nothing, or someone else's stake.
    assert_diem_err(
        env.by(&bob).unstake_diem(10 * ONE_DIEM + 1, None).await.unwrap_err(),
        DiemError::InsufficientDiemStaked,
    );
    assert_diem_err(env.by(&bob).unstake_diem(0, None).await.unwrap_err(), DiemError::ZeroAmount);
    let (a, b) = (alice.pubkey(), bob.pubkey());
    let ix = swap_account(ix::initiate_diem_unstake(a, a, a, 0, 1), pda::diem_stake(&a, &a), pda::diem_stake(&b, &b));
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::NotPositionOwner);
    let ix = unsign(ix::initiate_diem_unstake(b, b, a, 0, 1), b);
    assert_anchor_err(env.send_err(&[ix], &[&alice.key]).await, anchor_lang::error::ErrorCode::AccountNotSigner);
    let ticket = opened_ticket(&env.by(&bob).unstake_diem(10 * ONE_DIEM, None).await.unwrap()).unwrap();
    assert_diem_err(env.by(&bob).finalize_diem_unstake(&ticket).await.unwrap_err(), DiemError::CooldownNotElapsed);
    env.advance(SECONDS_PER_DAY).await;
    // Alice naming herself the owner of Bob's ticket; a VVV destination; the sVVV kind.
    let as_alice = TicketRef { address: ticket, owner: a, rent_payer: b };
    let ix = ix::finalize_diem_unstake(&as_alice, alice.diem);
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::NotTicketOwner);
    let mine = TicketRef { address: ticket, owner: b, rent_payer: b };
    let ix = ix::finalize_diem_unstake(&mine, bob.vvv);
    assert_diem_err(env.send_err(&[ix], &[&bob.key]).await, DiemError::WrongMint);
    let ix = ix::finalize_unstake(&env.deployment, &mine, bob.vvv);
    assert_diem_err(env.send_err(&[ix], &[&bob.key]).await, DiemError::WrongTicketKind);
    assert_diem_err(env.send_err(&[ix::cancel_unstake(&mine)], &[&bob.key]).await, DiemError::WrongTicketKind);
    // Bob may have the ticket paid to any DIEM account he names.
    let ix = ix::finalize_diem_unstake(&mine, alice.diem);
    let before = env.balance(alice.diem).await;
    env.send(&[ix], &[&bob.key]).await.unwrap();
    assert_eq!(env.balance(alice.diem).await, before + 10 * ONE_DIEM);
}

#[tokio::test]
async fn paused_diem_staking_still_lets_everyone_out() {
    let (mut env, alice, bob, minted) = env_with_diem().await;
    env.by(&bob).stake_diem(10 * ONE_DIEM, None).await.unwrap();
    let first = opened_ticket(&env.by(&bob).unstake_diem(4 * ONE_DIEM, None).await.unwrap()).unwrap();
    let authority = env.authority.insecure_clone();
    env.send(&[ix::set_pause(authority.pubkey(), pause::STAKE_DIEM)], &[&authority]).await.unwrap();
    assert_diem_err(env.by(&alice).stake_diem(ONE_DIEM, None).await.unwrap_err(), DiemError::OperationPaused);
    assert_diem_err(env.by(&bob).cancel_diem_unstake(&first, None).await.unwrap_err(), DiemError::OperationPaused);
    let second = opened_ticket(&env.by(&bob).unstake_diem(6 * ONE_DIEM, None).await.unwrap()).unwrap();
    env.advance(SECONDS_PER_DAY).await;
    env.by(&bob).finalize_diem_unstake(&first).await.unwrap();
    env.by(&bob).finalize_diem_unstake(&second).await.unwrap();
    assert_eq!(env.balance(bob.diem).await, 10 * ONE_DIEM);
    // Full exit of a minter who staked: unstake DIEM, burn, unstake sVVV, VVV back.
    env.send(&[ix::set_pause(authority.pubkey(), 0)], &[&authority]).await.unwrap();
    env.by(&alice).stake_diem(minted - 10 * ONE_DIEM, None).await.unwrap();
    env.send(&[ix::set_pause(authority.pubkey(), pause::ALL)], &[&authority]).await.unwrap();
    let ticket = opened_ticket(&env.by(&alice).unstake_diem(minted - 10 * ONE_DIEM, None).await.unwrap()).unwrap();
    env.advance(SECONDS_PER_DAY).await;
    env.by(&alice).finalize_diem_unstake(&ticket).await.unwrap();
    env.transfer_diem(&bob, &alice, 10 * ONE_DIEM).await;
    env.by(&alice).burn(minted).await.unwrap();
    let ticket = opened_ticket(&env.by(&alice).unstake(10_000 * ONE_VVV).await.unwrap()).unwrap();
    env.advance(7 * SECONDS_PER_DAY).await;
    env.by(&alice).finalize_unstake(&ticket).await.unwrap();
    assert_eq!(env.balance(alice.vvv).await, 10_000 * ONE_VVV);
}
