// Generates the TypeScript client (src/generated/ and src/idl.generated.ts) from idls/diem.json
// with Codama; `--check` renders into a temporary directory and fails if the committed files
// differ, the way `cargo run -p diem-idl -- --check` guards the IDL itself.
//
// What the IDL cannot say is added here, not by hand in the client:
// - the per-owner accounts (`position`, `diem_stake` per owner and beneficiary) and the unstake
//   tickets (per source account and number) are found on chain by `has_one` or created by the
//   handler (re-deriving them would cost a `create_program_address`, 1,500 CU, in every
//   instruction; COMPUTE_UNITS.md), so their PDAs and the defaults that derive them are
//   declared here (a DIEM stake defaults to the owner's own, beneficiary = owner; a ticket's rent
//   payer to its opener);
// - the event authority and the program account of Anchor's `#[event_cpi]`;
// - the singleton PDAs (vaults, mint, curve) that instructions pin with `has_one` relations;
// - event bodies as types (renderers-js renders no events), with a table of discriminators.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  accountValueNode,
  addPdasVisitor,
  argumentValueNode,
  constantPdaSeedNodeFromString,
  createFromRoot,
  definedTypeNode,
  numberTypeNode,
  pdaSeedValueNode,
  pdaValueNode,
  programIdValueNode,
  publicKeyTypeNode,
  setInstructionAccountDefaultValuesVisitor,
  variablePdaSeedNode,
} from 'codama';
import { rootNodeFromAnchor } from '@codama/nodes-from-anchor';
import { renderVisitor } from '@codama/renderers-js';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..');
const idlPath = join(pkg, '../../idls/diem.json');
const check = process.argv.includes('--check');

const idl = JSON.parse(readFileSync(idlPath, 'utf8'));
const root = rootNodeFromAnchor(idl);
// Event bodies become defined types (their codecs are rendered); the table below maps each
// event's discriminator to its decoder.
const events = root.program.events ?? [];
const eventTypes = events.map((event) =>
  definedTypeNode({ name: event.name, docs: event.docs, type: event.data.kind === 'hiddenPrefixTypeNode' ? event.data.type : event.data }),
);
const program = { ...root.program, definedTypes: [...root.program.definedTypes, ...eventTypes], events: [] };
const codama = createFromRoot({ ...root, program });

codama.update(
  addPdasVisitor({
    diem: [
      { name: 'position', docs: ['An owner\'s sVVV position.'], seeds: [constantPdaSeedNodeFromString('utf8', 'position'), variablePdaSeedNode('owner', publicKeyTypeNode())] },
      { name: 'diemStake', docs: ['The DIEM stake `owner` controls for `beneficiary`\'s credit.'], seeds: [constantPdaSeedNodeFromString('utf8', 'diem-stake'), variablePdaSeedNode('owner', publicKeyTypeNode()), variablePdaSeedNode('beneficiary', publicKeyTypeNode())] },
      { name: 'ticket', docs: ['The unstake ticket numbered `number` opened from `source` (a position or a DIEM stake).'], seeds: [constantPdaSeedNodeFromString('utf8', 'ticket'), variablePdaSeedNode('source', publicKeyTypeNode()), variablePdaSeedNode('number', numberTypeNode('u64'))] },
      { name: 'eventAuthority', docs: ['Signs the program\'s event self-CPIs (Anchor `#[event_cpi]`).'], seeds: [constantPdaSeedNodeFromString('utf8', '__event_authority')] },
    ],
  }),
);

const ownerSeed = (value) => [pdaSeedValueNode('owner', value)];
const stakeSeeds = (beneficiary) => [pdaSeedValueNode('owner', accountValueNode('owner')), pdaSeedValueNode('beneficiary', beneficiary)];
codama.update(
  setInstructionAccountDefaultValuesVisitor([
    // `stake` opens the position of its `recipient` argument; everywhere else the owner signs.
    { account: 'position', instruction: 'stake', defaultValue: pdaValueNode('position', ownerSeed(argumentValueNode('recipient'))) },
    { account: 'position', defaultValue: pdaValueNode('position', ownerSeed(accountValueNode('owner'))) },
    // A DIEM stake is the one for the beneficiary argument where there is one, else the owner's own.
    { account: 'diemStake', instruction: 'stakeDiem', defaultValue: pdaValueNode('diemStake', stakeSeeds(argumentValueNode('beneficiary'))) },
    { account: 'diemStake', instruction: 'cancelDiemUnstake', defaultValue: pdaValueNode('diemStake', stakeSeeds(argumentValueNode('beneficiary'))) },
    { account: 'newStake', instruction: 'setDiemBeneficiary', defaultValue: pdaValueNode('diemStake', stakeSeeds(argumentValueNode('newBeneficiary'))) },
    { account: 'diemStake', defaultValue: pdaValueNode('diemStake', stakeSeeds(accountValueNode('owner'))) },
    // The opener pays a new ticket's rent unless another payer is named.
    { account: 'rentPayer', instruction: 'initiateUnstake', defaultValue: accountValueNode('owner') },
    { account: 'rentPayer', instruction: 'initiateDiemUnstake', defaultValue: accountValueNode('owner') },
    { account: 'config', defaultValue: pdaValueNode('config') },
    { account: 'governance', defaultValue: pdaValueNode('governance') },
    { account: 'curve', defaultValue: pdaValueNode('curve') },
    { account: 'curveStaging', defaultValue: pdaValueNode('curveStaging') },
    { account: 'vvvVault', defaultValue: pdaValueNode('vvvVault') },
    { account: 'diemVault', defaultValue: pdaValueNode('diemVault') },
    { account: 'diemMint', defaultValue: pdaValueNode('diemMint') },
    { account: 'eventAuthority', defaultValue: pdaValueNode('eventAuthority') },
    { account: 'program', defaultValue: programIdValueNode() },
  ]),
);

function constantValue(c) {
  if (c.type === 'bytes') return `new Uint8Array(${c.value})`;
  if (c.type === 'string') return c.value;
  if (['u8', 'u16', 'u32', 'i8', 'i16', 'i32'].includes(c.type)) return c.value;
  return `${c.value}n`;
}

// Discriminators of events and the error names, which the renderer does not export as data.
function idlTables() {
  const lines = [
    '// Generated by scripts/generate.mjs from idls/diem.json; do not edit.',
    "import type { Decoder } from '@solana/kit';",
    `import { ${idl.events.map((e) => `get${e.name}Decoder`).join(', ')} } from './generated/index.js';`,
    `import type { ${idl.events.map((e) => e.name).join(', ')} } from './generated/index.js';`,
    '',
    '/** Every event of the program: its name, discriminator and body decoder. */',
    'export const EVENTS = [',
    ...idl.events.map((e) => `  { name: '${e.name}', discriminator: new Uint8Array([${e.discriminator.join(', ')}]), decoder: get${e.name}Decoder() as Decoder<unknown> },`),
    '] as const;',
    '',
    '/** A decoded event: `name` says which body `data` is. */',
    'export type DiemEvent =',
    ...idl.events.map((e) => `  | { name: '${e.name}'; data: ${e.name} }`),
    '  ;',
    '',
    '/** The program\'s `#[constant]`s (seeds as bytes, amounts and bounds as bigint, names as strings). */',
    ...idl.constants.map((c) => `export const ${c.name} = ${constantValue(c)};`),
    '',
  ];
  return lines.join('\n');
}

async function render(outDir) {
  // The renderer formats with Prettier, asynchronously.
  await codama.accept(renderVisitor(join(outDir, 'generated')));
  for (const path of files(join(outDir, 'generated'))) esmImports(path);
  writeFileSync(join(outDir, 'idl.generated.ts'), idlTables());
}

/** The package is an ES module, whose relative imports name their file: the renderer writes
 * `from "../types"` and `from "./config"`; Node needs `"../types/index.js"` and `"./config.js"`. */
function esmImports(path) {
  const here = dirname(path);
  const text = readFileSync(path, 'utf8').replace(/from "(\.{1,2}(?:\/[^"]*)?)"/g, (_, spec) => {
    let target;
    try {
      target = statSync(join(here, spec)).isDirectory() ? `${spec.replace(/\/$/, '')}/index.js` : `${spec}.js`;
    } catch {
      target = `${spec}.js`;
    }
    return `from "${target}"`;
  });
  writeFileSync(path, text);
}

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const src = join(pkg, 'src');
if (!check) {
  await render(src);
  console.log('wrote src/generated/ and src/idl.generated.ts');
} else {
  const tmp = mkdtempSync(join(tmpdir(), 'diem-codama-'));
  try {
    await render(tmp);
    const fresh = files(tmp).map((p) => relative(tmp, p)).sort();
    const committed = files(join(src, 'generated')).map((p) => relative(src, p)).concat(['idl.generated.ts']).sort();
    const stale = [...new Set([...fresh, ...committed])].filter((p) => {
      try {
        return readFileSync(join(tmp, p), 'utf8') !== readFileSync(join(src, p), 'utf8');
      } catch {
        return true;
      }
    });
    if (stale.length) {
      console.error(`the generated TypeScript client is stale (${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ', …' : ''}): run \`npm run generate\` in app/ts`);
      process.exit(1);
    }
    console.log(`src/generated/ matches idls/diem.json (${fresh.length} files)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
