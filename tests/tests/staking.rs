//! sVVV staking: stake (for self and for a recipient), unstake tickets (open, cancel, finalize,
//! refusals).
use diem::constants::*;
use diem::errors::DiemError;
use diem::events::{Staked, UnstakeCancelled, UnstakeFinalized, UnstakeInitiated};
use diem_client::{ix, pda};
use diem_tests::*;

#[tokio::test]
async fn stake_credits_the_position_and_moves_vvv() {
    let mut env = Env::launched().await;
    let alice = env.user(1_000 * ONE_VVV).await;
    let out = env.by(&alice).stake(400 * ONE_VVV, None).await.unwrap();
    let ev: Staked = out.event();
    assert_eq!(
        (ev.owner, ev.payer, ev.amount, ev.position_opened),
        (alice.pubkey(), alice.pubkey(), 400 * ONE_VVV, true)
    );
    assert_eq!(ev.position.active, 400 * ONE_VVV);
    assert_eq!(ev.pool.total_active, 400 * ONE_VVV);
    assert_eq!(env.balance(alice.vvv).await, 600 * ONE_VVV);
    assert_eq!(env.balance(pda::vvv_vault()).await, 400 * ONE_VVV);
    // A second stake adds to the same position.
    let ev: Staked = env.by(&alice).stake(100 * ONE_VVV, None).await.unwrap().event();
    assert!(!ev.position_opened);
    let p = env.position(&alice.pubkey()).await.unwrap();
    assert_eq!((p.owner, p.balances.active, p.balances.locked), (alice.pubkey(), 500 * ONE_VVV, 0));
}

#[tokio::test]
async fn stake_for_a_recipient_creates_their_position() {
    let mut env = Env::launched().await;
    let payer = env.user(1_000 * ONE_VVV).await;
    let friend = env.user(0).await;
    let ev: Staked = env.by(&payer).stake(250 * ONE_VVV, Some(friend.pubkey())).await.unwrap().event();
    assert_eq!((ev.payer, ev.owner), (payer.pubkey(), friend.pubkey()));
    assert!(env.position(&payer.pubkey()).await.is_none());
    assert_eq!(env.position(&friend.pubkey()).await.unwrap().balances.active, 250 * ONE_VVV);
    // The recipient owns it: they can unstake, the payer cannot.
    let err = env
        .send_err(
            &[swap_account(
                ix::initiate_unstake(payer.pubkey(), payer.pubkey(), 0, 1),
                pda::position(&payer.pubkey()),
                pda::position(&friend.pubkey()),
            )],
            &[&payer.key],
        )
        .await;
    assert_diem_err(err, DiemError::NotPositionOwner);
    env.by(&friend).unstake(250 * ONE_VVV).await.unwrap();
}

#[tokio::test]
async fn stake_misuse_is_refused_by_name() {
    let mut env = Env::launched().await;
    let alice = env.user(1_000 * ONE_VVV).await;
    let bob = env.user(1_000 * ONE_VVV).await;
    assert_diem_err(env.by(&alice).stake(0, None).await.unwrap_err(), DiemError::ZeroAmount);
    // Bob's token account, Alice signing.
    let ix = ix::stake(&env.deployment, alice.pubkey(), bob.vvv, 10, alice.pubkey());
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::TokenAccountNotOwned);
    // A token account of another mint (Alice's DIEM account).
    let ix = ix::stake(&env.deployment, alice.pubkey(), alice.diem, 10, alice.pubkey());
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::WrongMint);
    // The wrong VVV mint account and the wrong token program.
    let ix = swap_account(
        ix::stake(&env.deployment, alice.pubkey(), alice.vvv, 10, alice.pubkey()),
        env.deployment.vvv_mint,
        pda::diem_mint(),
    );
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::WrongMint);
    let ix = swap_account(
        ix::stake(&env.deployment, alice.pubkey(), alice.vvv, 10, alice.pubkey()),
        spl_token_interface::ID,
        anchor_spl::token_2022::ID,
    );
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::WrongTokenProgram);
    // Not signed by the payer.
    let ix = unsign(ix::stake(&env.deployment, alice.pubkey(), alice.vvv, 10, alice.pubkey()), alice.pubkey());
    assert_anchor_err(env.send_err(&[ix], &[]).await, anchor_lang::error::ErrorCode::AccountNotSigner);
    // More than the wallet holds: the token program refuses (InsufficientFunds), nothing moves.
    let err = env.by(&alice).stake(1_001 * ONE_VVV, None).await.unwrap_err().tx_error();
    assert!(
        matches!(
            err,
            solana_transaction_error::TransactionError::InstructionError(
                _,
                solana_instruction_error::InstructionError::Custom(1)
            )
        ),
        "{err:?}"
    );
    assert_eq!(env.balance(alice.vvv).await, 1_000 * ONE_VVV);
    assert!(env.position(&alice.pubkey()).await.is_none());
}

#[tokio::test]
async fn unstake_goes_through_the_seven_day_cooldown() {
    let mut env = Env::launched().await;
    let alice = env.user(1_000 * ONE_VVV).await;
    env.by(&alice).stake(1_000 * ONE_VVV, None).await.unwrap();
    let now = env.now().await;
    let ev: UnstakeInitiated = env.by(&alice).unstake(300 * ONE_VVV).await.unwrap().event();
    assert_eq!(ev.unlock_at, now + 7 * SECONDS_PER_DAY);
    assert_eq!(ev.ticket, pda::ticket(&pda::position(&alice.pubkey()), 0), "the position's first ticket");
    assert_eq!((ev.owner, ev.rent_payer, ev.amount), (alice.pubkey(), alice.pubkey(), 300 * ONE_VVV));
    assert_eq!(ev.position.active, 700 * ONE_VVV);
    assert_eq!((ev.pool.total_active, ev.pool.total_cooldown), (700 * ONE_VVV, 300 * ONE_VVV));
    let ticket = env.ticket(&ev.ticket).await.expect("the ticket is open");
    assert_eq!((ticket.kind, ticket.owner, ticket.amount, ticket.unlock_at), (TicketKind::Svvv, alice.pubkey(), 300 * ONE_VVV, ev.unlock_at));

    env.advance(7 * SECONDS_PER_DAY - 1).await;
    assert_diem_err(env.by(&alice).finalize_unstake(&ev.ticket).await.unwrap_err(), DiemError::CooldownNotElapsed);
    env.advance(1).await;
    let lamports_before = env.account(alice.pubkey()).await.unwrap().lamports;
    let done: UnstakeFinalized = env.by(&alice).finalize_unstake(&ev.ticket).await.unwrap().event();
    assert_eq!((done.amount, done.destination, done.ticket), (300 * ONE_VVV, alice.vvv, ev.ticket));
    assert_eq!(env.balance(alice.vvv).await, 300 * ONE_VVV);
    assert_eq!(env.balance(pda::vvv_vault()).await, 700 * ONE_VVV);
    // The ticket is closed and its rent went back to whoever paid it (Alice; less her fee).
    assert!(env.ticket(&ev.ticket).await.is_none());
    let rent = anchor_lang::prelude::Rent::default().minimum_balance(diem::state::UnstakeTicket::SPACE);
    assert!(env.account(alice.pubkey()).await.unwrap().lamports + 10_000 >= lamports_before + rent);
    // A closed ticket cannot be finalized again: the client says so by name, and the program
    // refuses the account (Anchor: not initialized).
    let err = env.by(&alice).finalize_unstake(&ev.ticket).await.unwrap_err();
    assert!(err.to_string().contains("is not open"), "{err}");
    let closed = TicketRef { address: ev.ticket, owner: alice.pubkey(), rent_payer: alice.pubkey() };
    let ix = ix::finalize_unstake(&env.deployment, &closed, alice.vvv);
    assert_anchor_err(env.send_err(&[ix], &[&alice.key]).await, anchor_lang::error::ErrorCode::AccountNotInitialized);
}

#[tokio::test]
async fn unstake_misuse_is_refused_by_name() {
    let mut env = Env::launched().await;
    let alice = env.user(1_000 * ONE_VVV).await;
    let bob = env.user(1_000 * ONE_VVV).await;
    env.by(&alice).stake(1_000 * ONE_VVV, None).await.unwrap();
    env.by(&bob).stake(1_000 * ONE_VVV, None).await.unwrap();
    assert_diem_err(env.by(&alice).unstake(0).await.unwrap_err(), DiemError::ZeroAmount);
    assert_diem_err(env.by(&alice).unstake(1_000 * ONE_VVV + 1).await.unwrap_err(), DiemError::InsufficientUnlocked);
    // Locked sVVV cannot be unstaked: lock 900 by minting, then only 100 is free.
    env.by(&alice).mint(900 * ONE_VVV, 0).await.unwrap();
    assert_diem_err(env.by(&alice).unstake(100 * ONE_VVV + 1).await.unwrap_err(), DiemError::InsufficientUnlocked);
    let ticket = opened_ticket(&env.by(&alice).unstake(50 * ONE_VVV).await.unwrap()).unwrap();
    // Bob signing for Alice's position; Alice's position without her signature.
    let ix = swap_account(
        ix::initiate_unstake(bob.pubkey(), bob.pubkey(), 0, 1),
        pda::position(&bob.pubkey()),
        pda::position(&alice.pubkey()),
    );
    assert_diem_err(env.send_err(&[ix], &[&bob.key]).await, DiemError::NotPositionOwner);
    let ix = unsign(ix::initiate_unstake(alice.pubkey(), bob.pubkey(), 1, 1), alice.pubkey());
    assert_anchor_err(env.send_err(&[ix], &[&bob.key]).await, anchor_lang::error::ErrorCode::AccountNotSigner);
    // A ticket address that is not the position's next one.
    let ix = ix::initiate_unstake(alice.pubkey(), alice.pubkey(), 0, 1);
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::WrongTicketAddress);
    // Bob cannot finalize, cancel or hand on Alice's ticket.
    let as_bob = TicketRef { address: ticket, owner: bob.pubkey(), rent_payer: alice.pubkey() };
    env.advance(7 * SECONDS_PER_DAY).await;
    let ix = ix::finalize_unstake(&env.deployment, &as_bob, bob.vvv);
    assert_diem_err(env.send_err(&[ix], &[&bob.key]).await, DiemError::NotTicketOwner);
    assert_diem_err(env.send_err(&[ix::cancel_unstake(&as_bob)], &[&bob.key]).await, DiemError::NotTicketOwner);
    let ix = ix::transfer_ticket(&as_bob, bob.pubkey());
    assert_diem_err(env.send_err(&[ix], &[&bob.key]).await, DiemError::NotTicketOwner);
    // Naming another rent payer (to take the rent) is refused.
    let stolen = TicketRef { address: ticket, owner: alice.pubkey(), rent_payer: bob.pubkey() };
    let ix = ix::finalize_unstake(&env.deployment, &stolen, alice.vvv);
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::WrongRentPayer);
    // Paying a due ticket into a non-VVV account.
    let mine = TicketRef { address: ticket, owner: alice.pubkey(), rent_payer: alice.pubkey() };
    let ix = ix::finalize_unstake(&env.deployment, &mine, alice.diem);
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::WrongMint);
    // An sVVV ticket is not a DIEM ticket.
    let ix = ix::finalize_diem_unstake(&mine, alice.diem);
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::WrongTicketKind);
    // Handing a ticket to the default key or to its own owner.
    for to in [Pubkey::default(), alice.pubkey()] {
        assert_diem_err(
            env.by(&alice).transfer_ticket(&ticket, to).await.unwrap_err(),
            DiemError::InvalidTicketRecipient,
        );
    }
    env.by(&alice).finalize_unstake(&ticket).await.unwrap();
}

#[tokio::test]
async fn cancel_returns_the_ticket_to_the_stake() {
    let mut env = Env::launched().await;
    let alice = env.user(1_000 * ONE_VVV).await;
    env.by(&alice).stake(1_000 * ONE_VVV, None).await.unwrap();
    let ticket = opened_ticket(&env.by(&alice).unstake(400 * ONE_VVV).await.unwrap()).unwrap();
    let ev: UnstakeCancelled = env.by(&alice).cancel_unstake(&ticket).await.unwrap().event();
    assert_eq!((ev.amount, ev.ticket), (400 * ONE_VVV, ticket));
    assert_eq!(ev.position.active, 1_000 * ONE_VVV);
    assert_eq!((ev.pool.total_active, ev.pool.total_cooldown), (1_000 * ONE_VVV, 0));
    assert!(env.ticket(&ticket).await.is_none(), "a cancelled ticket is closed");
    // A new unstake may start right away; it is the position's second ticket.
    let next = opened_ticket(&env.by(&alice).unstake(1_000 * ONE_VVV).await.unwrap()).unwrap();
    assert_eq!(next, pda::ticket(&pda::position(&alice.pubkey()), 1));
}
