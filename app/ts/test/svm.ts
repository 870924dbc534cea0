// The test harness: the program's .so in LiteSVM, deployed as an upgradeable program (Program
// and ProgramData accounts written by hand, so `initialize` finds its upgrade authority), VVV
// as an SPL Token mint, and a launch like `diem init`'s. Lives with the tests, not the library.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AccountState,
  getMintEncoder,
  getTokenDecoder,
  getTokenEncoder,
  TOKEN_PROGRAM_ADDRESS,
} from '@solana-program/token';
import {
  appendTransactionMessageInstructions,
  createTransactionMessage,
  generateKeyPairSigner,
  getAddressDecoder,
  getAddressEncoder,
  getCompiledTransactionMessageDecoder,
  getProgramDerivedAddress,
  lamports,
  none,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  some,
  type Address,
  type Instruction,
  type KeyPairSigner,
} from '@solana/kit';
import { Clock, FailedTransactionMetadata, LiteSVM, TransactionMetadata } from 'litesvm';
import {
  associatedTokenAddress,
  createAssociatedTokenIdempotent,
  decodeConfig,
  decodeCurve,
  decodeDiemStake,
  decodeGovernance,
  decodeUnstakeTicket,
  nextTicketAddress,
  decodePosition,
  DIEM_PROGRAM_ADDRESS,
  diemErrorFromLogs,
  eventsOf,
  findConfigPda,
  findCurvePda,
  findDiemMintPda,
  findDiemStakePda,
  findGovernancePda,
  findPositionPda,
  getCommitCurveInstructionAsync,
  getCurveEntryEncoder,
  getInitializeInstructionAsync,
  getSetPauseInstructionAsync,
  getStageCurveInstructionAsync,
  MAX_RATE,
  PAUSE_LAUNCH_INFLOWS,
  ONE_DIEM,
  returnedU64,
  TOKEN_2022_PROGRAM_ADDRESS,
  type CurveEntry,
  type DiemErrorInfo,
  type DiemEvent,
} from '../src/index.js';

const LOADER = 'BPFLoaderUpgradeab1e11111111111111111111111' as Address;
export { ONE_DIEM };
export const VVV_DECIMALS = 6;
export const ONE_VVV = 1_000_000n;
export const DAY = 86_400n;

/** `target/deploy/diem.so`, built by `scripts/build-sbf.sh` (or `$DIEM_SO`). */
export function programPath(): string {
  const path = process.env.DIEM_SO ?? fileURLToPath(new URL('../../../../target/deploy/diem.so', import.meta.url));
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`bash scripts/build-sbf.sh\` first`);
  return path;
}

export type Sent =
  | { ok: true; events: DiemEvent[]; returned: bigint | null; computeUnits: bigint; logs: string[] }
  | { ok: false; error: DiemErrorInfo | null; logs: string[]; detail: string };

/** The launch curve's shape (SPEC §5.1): 256 buckets of 500 DIEM, 90 VVV × e^(2·(s/40,000)³). */
export function launchCurve(): CurveEntry[] {
  return Array.from({ length: 256 }, (_, i) => {
    const bound = 500 * (i + 1);
    const rate = 90 * Number(ONE_VVV) * Math.exp(2 * (bound / 40_000) ** 3);
    // Saturated at the program's MAX_RATE (u64::MAX), as the CLI's generator does.
    return { supplyBound: BigInt(bound) * ONE_DIEM, rate: rate >= 2 ** 64 ? MAX_RATE : BigInt(Math.ceil(rate)) };
  });
}

/** SHA-256 over the entries as the curve accounts store them (`diem::math::curve::curve_hash`). */
export function curveHash(entries: readonly CurveEntry[]): Uint8Array {
  const enc = getCurveEntryEncoder();
  const hash = createHash('sha256');
  for (const e of entries) hash.update(enc.encode(e) as Uint8Array);
  return new Uint8Array(hash.digest());
}

export class Svm {
  readonly svm = new LiteSVM();
  private constructor(
    readonly payer: KeyPairSigner,
    readonly authority: KeyPairSigner,
    readonly vvvMint: Address,
    readonly treasury: Address,
  ) {}

  /** A bank with diem deployed (upgrade authority: `authority`) and VVV, not initialized. */
  static async create(): Promise<Svm> {
    const [payer, authority, vvvMintKey] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner(), generateKeyPairSigner()]);
    const treasuryOwner = await generateKeyPairSigner();
    const env = new Svm(payer, authority, vvvMintKey.address, await associatedTokenAddress(treasuryOwner.address, vvvMintKey.address, TOKEN_PROGRAM_ADDRESS));
    env.svm.airdrop(payer.address, lamports(100_000_000_000n));
    env.svm.airdrop(authority.address, lamports(100_000_000_000n));
    await env.deployUpgradeable(readFileSync(programPath()), authority.address);
    env.setMint(vvvMintKey.address, 0n);
    env.setTokenAccount(env.treasury, vvvMintKey.address, treasuryOwner.address, 0n);
    return env;
  }

  /** Program and ProgramData accounts as the upgradeable loader writes them. */
  private async deployUpgradeable(elf: Buffer, upgradeAuthority: Address) {
    const enc = getAddressEncoder();
    const [programData] = await getProgramDerivedAddress({ programAddress: LOADER, seeds: [enc.encode(DIEM_PROGRAM_ADDRESS)] });
    const header = new Uint8Array(45);
    header.set([3, 0, 0, 0]); // UpgradeableLoaderState::ProgramData
    header[12] = 1; // Some(upgrade authority), after the u64 slot (0)
    header.set(enc.encode(upgradeAuthority), 13);
    const data = new Uint8Array(45 + elf.length);
    data.set(header);
    data.set(elf, 45);
    this.setAccount(programData, LOADER, data, false);
    const program = new Uint8Array(36);
    program.set([2, 0, 0, 0]); // UpgradeableLoaderState::Program
    program.set(enc.encode(programData), 4);
    this.setAccount(DIEM_PROGRAM_ADDRESS, LOADER, program, true);
  }

  setAccount(address: Address, owner: Address, data: Uint8Array, executable = false) {
    this.svm.setAccount({
      address,
      data,
      executable,
      lamports: lamports(this.svm.minimumBalanceForRentExemption(BigInt(data.length))),
      programAddress: owner,
      space: BigInt(data.length),
    });
  }

  setMint(mint: Address, supply: bigint) {
    const data = getMintEncoder().encode({ mintAuthority: some(this.payer.address), supply, decimals: VVV_DECIMALS, isInitialized: true, freezeAuthority: none() });
    this.setAccount(mint, TOKEN_PROGRAM_ADDRESS, new Uint8Array(data));
  }

  setTokenAccount(account: Address, mint: Address, owner: Address, amount: bigint) {
    const data = getTokenEncoder().encode({
      mint, owner, amount, delegate: none(), state: AccountState.Initialized, isNative: none(), delegatedAmount: 0n, closeAuthority: none(),
    });
    this.setAccount(account, TOKEN_PROGRAM_ADDRESS, new Uint8Array(data));
  }

  /** A funded wallet holding `vvv` VVV in its associated account, with an empty DIEM account. */
  async user(vvv: bigint): Promise<{ signer: KeyPairSigner; vvv: Address; diem: Address }> {
    const signer = await generateKeyPairSigner();
    this.svm.airdrop(signer.address, lamports(10_000_000_000n));
    const vvvAccount = await associatedTokenAddress(signer.address, this.vvvMint, TOKEN_PROGRAM_ADDRESS);
    this.setTokenAccount(vvvAccount, this.vvvMint, signer.address, vvv);
    const [diemMint] = await findDiemMintPda();
    const create = await createAssociatedTokenIdempotent(signer, signer.address, diemMint, TOKEN_2022_PROGRAM_ADDRESS);
    const sent = await this.send([create]);
    if (!sent.ok) throw new Error(`DIEM account: ${sent.detail}`);
    return { signer, vvv: vvvAccount, diem: await associatedTokenAddress(signer.address, diemMint, TOKEN_2022_PROGRAM_ADDRESS) };
  }

  /** Signs with every signer the instructions carry; the harness's payer pays the fee. */
  async send(instructions: Instruction[]): Promise<Sent> {
    const message = pipe(
      createTransactionMessage({ version: 0 }),
      (m) => setTransactionMessageFeePayerSigner(this.payer, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: this.svm.latestBlockhash(), lastValidBlockHeight: 0n }, m),
      (m) => appendTransactionMessageInstructions(instructions, m),
    );
    const tx = await signTransactionMessageWithSigners(message);
    const result = this.svm.sendTransaction(tx);
    // A fresh blockhash, so the same instructions can be sent again.
    this.svm.expireBlockhash();
    if (result instanceof FailedTransactionMetadata) {
      const logs = result.meta().logs();
      return { ok: false, error: diemErrorFromLogs(logs), logs, detail: result.toString() };
    }
    const meta = result as TransactionMetadata;
    const keys = getCompiledTransactionMessageDecoder().decode(tx.messageBytes).staticAccounts;
    const inner = meta.innerInstructions().flat().map((ix) => ({
      programAddress: keys[ix.instruction().programIdIndex()],
      data: ix.instruction().data(),
    }));
    const ret = meta.returnData();
    const returned = ret.data().length ? returnedU64(getAddressDecoder().decode(ret.programId()), ret.data()) : null;
    return { ok: true, events: eventsOf(inner), returned, computeUnits: meta.computeUnitsConsumed(), logs: meta.logs() };
  }

  /** `send`, failing the test with the logs if the transaction fails. */
  async ok(instructions: Instruction[]) {
    const sent = await this.send(instructions);
    if (!sent.ok) throw new Error(`transaction failed: ${sent.error?.name ?? sent.detail}\n${sent.logs.join('\n')}`);
    return sent;
  }

  /** `send`, expecting the program to refuse with `name`. */
  async refused(instructions: Instruction[], name: string) {
    const sent = await this.send(instructions);
    if (sent.ok) throw new Error(`expected ${name}, but the transaction succeeded`);
    if (sent.error?.name !== name) throw new Error(`expected ${name}, got ${sent.error?.name ?? sent.detail}\n${sent.logs.join('\n')}`);
    return sent.error;
  }

  raw(address: Address): Uint8Array | null {
    const account = this.svm.getAccount(address);
    return account.exists ? new Uint8Array(account.data) : null;
  }

  private encoded(address: Address) {
    const a = this.svm.getAccount(address);
    if (!a.exists) throw new Error(`no account at ${address}`);
    return a;
  }

  async config() {
    return decodeConfig(this.encoded((await findConfigPda())[0])).data;
  }

  async governance() {
    return decodeGovernance(this.encoded((await findGovernancePda())[0])).data;
  }

  async curve() {
    return decodeCurve(this.encoded((await findCurvePda())[0])).data;
  }

  async position(owner: Address) {
    const a = this.svm.getAccount((await findPositionPda({ owner }))[0]);
    return a.exists && a.programAddress === DIEM_PROGRAM_ADDRESS ? decodePosition(a).data : null;
  }

  /** The DIEM stake `owner` controls for `beneficiary` (default: their own). */
  async diemStake(owner: Address, beneficiary: Address = owner) {
    const a = this.svm.getAccount((await findDiemStakePda({ owner, beneficiary }))[0]);
    return a.exists && a.programAddress === DIEM_PROGRAM_ADDRESS ? decodeDiemStake(a).data : null;
  }

  /** An open ticket, or null once closed. */
  ticket(address: Address) {
    const a = this.svm.getAccount(address);
    return a.exists && a.programAddress === DIEM_PROGRAM_ADDRESS ? decodeUnstakeTicket(a).data : null;
  }

  /** The ticket an `initiate_unstake` of `owner` opens next. */
  async nextSvvvTicket(owner: Address) {
    const position = (await findPositionPda({ owner }))[0];
    return nextTicketAddress(position, (await this.position(owner))?.ticketsOpened ?? 0n);
  }

  /** The ticket an `initiate_diem_unstake` of `owner`'s stake for `beneficiary` opens next. */
  async nextDiemTicket(owner: Address, beneficiary: Address = owner) {
    const stake = (await findDiemStakePda({ owner, beneficiary }))[0];
    return nextTicketAddress(stake, (await this.diemStake(owner, beneficiary))?.ticketsOpened ?? 0n);
  }

  tokenBalance(account: Address): bigint {
    const data = this.raw(account);
    if (!data) throw new Error(`no token account at ${account}`);
    return getTokenDecoder().decode(data.subarray(0, 165)).amount;
  }

  now(): bigint {
    return this.svm.getClock().unixTimestamp;
  }

  advance(secs: bigint) {
    const c = this.svm.getClock();
    this.svm.setClock(new Clock(c.slot + 1n, c.epochStartTimestamp, c.epoch, c.leaderScheduleEpoch, c.unixTimestamp + secs));
  }

  /**
   * `initialize` (every inflow paused), the curve staged in chunks and committed: `diem init`'s
   * launch; then, unless `open` is false, every inflow opened, which ends the launch.
   */
  async launch(curve = launchCurve(), open = true): Promise<DiemEvent[]> {
    const authority = this.authority;
    const events: DiemEvent[] = [];
    const init = await getInitializeInstructionAsync({
      deployer: authority,
      vvvMint: this.vvvMint,
      treasury: this.treasury,
      vvvTokenProgram: TOKEN_PROGRAM_ADDRESS,
      authority: authority.address,
      params: { emissionRate: 5_000n, treasuryShareUnlockedBps: 0, treasuryShareLockedBps: 2_000, svvvCooldownSecs: 7n * DAY, diemCooldownSecs: DAY },
      paused: PAUSE_LAUNCH_INFLOWS,
      diemUri: 'https://diem.example/metadata/diem.json',
      acceptFreezeAuthority: false,
      changeDelaySecs: 9n * DAY,
    });
    events.push(...(await this.ok([init])).events);
    for (let start = 0; start < curve.length; start += 32) {
      const ix = await getStageCurveInstructionAsync({ authority, startIndex: start, entries: curve.slice(start, start + 32) });
      events.push(...(await this.ok([ix])).events);
    }
    events.push(...(await this.ok([await getCommitCurveInstructionAsync({ authority, expectedHash: curveHash(curve) })])).events);
    if (open) events.push(...(await this.ok([await getSetPauseInstructionAsync({ authority, paused: 0 })])).events);
    return events;
  }
}
