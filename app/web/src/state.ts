// One read of everything the page shows, at one cluster time: the program's config, curve and
// governance, who can upgrade it, and (with a wallet) the holder's balances, position, tickets
// and DIEM stakes. Views and actions only ever look at a `Snapshot`.
import type { Address } from '@solana/kit';
import {
  associatedTokenAddress,
  creditOf,
  DIEM_PROGRAM_ADDRESS,
  diemStakesForFilters,
  diemStakesOfFilters,
  fetchConfig,
  fetchCurve,
  fetchMaybeDiemStake,
  fetchMaybeGovernance,
  fetchMaybePosition,
  findConfigPda,
  findCurvePda,
  findDiemStakePda,
  findGovernancePda,
  findPositionPda,
  positionView,
  stakesFromAccounts,
  ticketsFromAccounts,
  ticketsOfFilters,
  TOKEN_2022_PROGRAM_ADDRESS,
  type Config,
  type CurveEntry,
  type Exposure,
  type Governance,
  type PositionView,
  type StakeView,
  type TicketView,
} from '@diem/client';
import type { Cluster } from './cluster';

export type Holder = {
  owner: Address;
  vvvAccount: Address;
  diemAccount: Address;
  lamports: bigint;
  vvv: bigint;
  diem: bigint;
  view: PositionView;
  /** Tickets it opens next: a position's and its own DIEM stake's counts. */
  svvvTicketsOpened: bigint;
  diemTicketsOpened: bigint;
  tickets: TicketView[];
  /** DIEM stakes this wallet controls, for whomever they credit. */
  controlled: StakeView[];
  /** DIEM staked for this wallet's credit, whoever controls it: tomorrow's credit as it stands. */
  tomorrowCredit: bigint;
};

export type Snapshot = {
  /** Cluster time (unix seconds) the snapshot was read at. */
  now: bigint;
  config: Config;
  curve: readonly CurveEntry[];
  governance: Governance | null;
  /** The program's upgrade authority: `null` if immutable, `undefined` if it could not be read. */
  upgradeAuthority: Address | null | undefined;
  holder: Holder | null;
};

const confirmed = { commitment: 'confirmed' as const };

export async function readSnapshot(cluster: Cluster, owner: Address | null): Promise<Snapshot> {
  const { rpc } = cluster;
  const [config, curve, governance, upgradeAuthority, now] = await Promise.all([
    findConfigPda().then(([a]) => fetchConfig(rpc, a, confirmed)),
    findCurvePda().then(([a]) => fetchCurve(rpc, a, confirmed)),
    findGovernancePda().then(([a]) => fetchMaybeGovernance(rpc, a, confirmed)),
    readUpgradeAuthority(cluster),
    clusterTime(cluster),
  ]);
  return {
    now,
    config: config.data,
    curve: curve.data.entries,
    governance: governance.exists ? governance.data : null,
    upgradeAuthority,
    holder: owner ? await readHolder(cluster, config.data, owner, now) : null,
  };
}

async function readHolder(cluster: Cluster, config: Config, owner: Address, now: bigint): Promise<Holder> {
  const { rpc } = cluster;
  const [vvvAccount, diemAccount] = await Promise.all([
    associatedTokenAddress(owner, config.vvvMint, config.vvvTokenProgram),
    associatedTokenAddress(owner, config.diemMint, TOKEN_2022_PROGRAM_ADDRESS),
  ]);
  const accounts = (filters: unknown) =>
    rpc.getProgramAccounts(DIEM_PROGRAM_ADDRESS, { encoding: 'base64', ...confirmed, filters: filters as never }).send() as never;
  const [lamports, vvv, diem, position, ownStake, tickets, controlled, forMe] = await Promise.all([
    rpc.getBalance(owner, confirmed).send().then((r) => r.value as bigint),
    tokenBalance(cluster, vvvAccount),
    tokenBalance(cluster, diemAccount),
    findPositionPda({ owner }).then(([a]) => fetchMaybePosition(rpc, a, confirmed)),
    findDiemStakePda({ owner, beneficiary: owner }).then(([a]) => fetchMaybeDiemStake(rpc, a, confirmed)),
    accounts(ticketsOfFilters(owner)),
    accounts(diemStakesOfFilters(owner)),
    accounts(diemStakesForFilters(owner)),
  ]);
  return {
    owner,
    vvvAccount,
    diemAccount,
    lamports,
    vvv,
    diem,
    view: positionView(config, position.exists ? position.data : null, ownStake.exists ? ownStake.data : null, now),
    svvvTicketsOpened: position.exists ? position.data.ticketsOpened : 0n,
    diemTicketsOpened: ownStake.exists ? ownStake.data.ticketsOpened : 0n,
    tickets: ticketsFromAccounts(tickets, now),
    controlled: stakesFromAccounts(controlled),
    tomorrowCredit: creditOf(stakesFromAccounts(forMe)),
  };
}

/** What a holder has at stake, for judging pending changes. */
export function exposureOf(holder: Holder | null): Exposure | null {
  return holder && { svvvUnlocked: holder.view.svvvUnlocked, svvvLocked: holder.view.svvvLocked, diemStaked: holder.view.diemStaked };
}

async function tokenBalance(cluster: Cluster, account: Address): Promise<bigint> {
  try {
    return BigInt((await cluster.rpc.getTokenAccountBalance(account, confirmed).send()).value.amount);
  } catch {
    return 0n; // no account yet
  }
}

/** The cluster's clock (what the program checks), or this machine's if the node cannot say. */
async function clusterTime(cluster: Cluster): Promise<bigint> {
  try {
    const slot = await cluster.rpc.getSlot(confirmed).send();
    const t = await cluster.rpc.getBlockTime(slot).send();
    if (t !== null) return BigInt(t);
  } catch {
    // fall back to this machine's clock
  }
  return BigInt(Math.floor(Date.now() / 1000));
}

type Parsed = { parsed?: { info?: { programData?: string; authority?: string | null } } };

/** The upgradeable loader's record of who may replace the program. */
async function readUpgradeAuthority(cluster: Cluster): Promise<Address | null | undefined> {
  try {
    const program = await cluster.rpc.getAccountInfo(DIEM_PROGRAM_ADDRESS, { encoding: 'jsonParsed', ...confirmed }).send();
    const programData = (program.value?.data as Parsed | undefined)?.parsed?.info?.programData;
    if (!programData) return undefined;
    const data = await cluster.rpc.getAccountInfo(programData as Address, { encoding: 'jsonParsed', ...confirmed }).send();
    const info = (data.value?.data as Parsed | undefined)?.parsed?.info;
    if (!info) return undefined;
    return (info.authority ?? null) as Address | null;
  } catch {
    return undefined;
  }
}
