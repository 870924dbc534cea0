//! Compute units do not depend on the owner's key (on the `.so`; natively the bank counts no
//! real compute units). Anchor's `init_if_needed` searched for the canonical bump on every
//! stake, 1,500 CU per bump rejected; `diem::owner_account` searches only when it creates the
//! account. So: once the account exists every key costs the same, and opening costs exactly a
//! fixed amount plus 1,500 CU per rejected bump, which a client knows before it signs.
use anchor_lang::prelude::Pubkey;
use diem::constants::*;
use diem_client::pda;
use diem_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// Bumps rejected for `owner`'s position, or for the DIEM stake crediting `owner` itself.
fn own_rejected_bumps(seed: &[u8], owner: &Pubkey) -> u32 {
    if seed == POSITION_SEED {
        rejected_bumps(&[seed, owner.as_ref()])
    } else {
        rejected_bumps(&[seed, owner.as_ref(), owner.as_ref()])
    }
}

/// Keys whose position bumps span 255 down to 250 (0 to 5 rejected), and likewise their
/// DIEM-stake bumps.
fn owners_with_spread_bumps() -> Vec<Keypair> {
    let mut chosen: Vec<Keypair> = Vec::new();
    let mut wanted: Vec<(&[u8], u32)> =
        [POSITION_SEED, DIEM_STAKE_SEED].into_iter().flat_map(|seed| (0..=5).map(move |r| (seed, r))).collect();
    // Each bump below 255 is half as likely as the one above: 20,000 tries find 250 with
    // probability 1 − (1 − 2⁻⁶)^20,000, indistinguishable from 1.
    for _ in 0..20_000 {
        let key = Keypair::new();
        let before = wanted.len();
        wanted.retain(|(seed, rejected)| own_rejected_bumps(seed, &key.pubkey()) != *rejected);
        if wanted.len() < before {
            chosen.push(key);
        }
        if wanted.is_empty() {
            break;
        }
    }
    assert!(wanted.is_empty(), "no key found for {wanted:?}");
    chosen
}

#[tokio::test]
async fn compute_units_do_not_depend_on_the_owner_key() {
    if !bpf_mode() {
        eprintln!("skipped natively: compute units are measured on the .so (SBF_OUT_DIR)");
        return;
    }
    let mut env = Env::launched().await;
    let whale = env.user(100_000 * ONE_VVV).await;
    env.by(&whale).stake(50_000 * ONE_VVV, None).await.unwrap();
    env.by(&whale).mint(10_000 * ONE_VVV, 0).await.unwrap();
    // (rejected bumps, CU to open, CU once open) per owner, for each instruction.
    let mut stakes = Vec::new();
    let mut diem_stakes = Vec::new();
    let owners = owners_with_spread_bumps();
    for key in owners {
        let key = env.fund_wallet(key).await;
        let user = env.user_with_key(key, 10 * ONE_VVV).await;
        let owner = user.pubkey();
        let cu = |o: Outcome| o.compute_units.expect("the bank reports compute units");
        let open = cu(env.by(&user).stake(ONE_VVV, None).await.unwrap());
        let again = cu(env.by(&user).stake(ONE_VVV, None).await.unwrap());
        stakes.push((u64::from(own_rejected_bumps(POSITION_SEED, &owner)), open, again));
        env.transfer_diem(&whale, &user, 2 * ONE_DIEM).await;
        let open = cu(env.by(&user).stake_diem(ONE_DIEM, None).await.unwrap());
        let again = cu(env.by(&user).stake_diem(ONE_DIEM, None).await.unwrap());
        diem_stakes.push((u64::from(own_rejected_bumps(DIEM_STAKE_SEED, &owner)), open, again));
        assert_eq!(env.account(pda::position(&owner)).await.unwrap().owner, diem::ID);
    }
    for (name, rows) in [("stake", &stakes), ("stake_diem", &diem_stakes)] {
        assert!(rows.iter().any(|r| r.0 >= 5), "{name}: some owner's search rejects five bumps or more");
        let again: Vec<u64> = rows.iter().map(|r| r.2).collect();
        assert!(again.iter().all(|c| *c == again[0]), "{name} on an open account differs by key: {again:?}");
        let base: Vec<u64> = rows.iter().map(|r| r.1 - u64::from(PER_REJECTED_BUMP) * r.0).collect();
        assert!(base.iter().all(|c| *c == base[0]), "{name} opening is not base + 1,500 per rejected bump: {rows:?}");
        eprintln!("{name}: open = {} + 1,500 × rejected bumps; open account {} (every key)", base[0], again[0]);
    }
}
