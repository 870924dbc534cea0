// The committed IDL on its own, read by Anchor's TypeScript coder (`@anchor-lang/core`): the curve
// account's rates come out as the numbers the generated client reads, though on chain they are
// 16 little-endian bytes in a zero-copy account (the IDL declares them `u128`, `repr(C, packed)`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { BorshAccountsCoder, type Idl } from '@anchor-lang/core';
import { findCurvePda } from '../src/index.js';
import { launchCurve, Svm } from './svm.js';

test("Anchor's coder reads the live curve from idls/diem.json alone", async () => {
  const idl = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../idls/diem.json', import.meta.url)), 'utf8')) as Idl;
  const env = await Svm.create();
  const curve = launchCurve();
  await env.launch(curve);
  const data = env.raw((await findCurvePda())[0]);
  assert.ok(data);
  const decoded = new BorshAccountsCoder(idl).decode('Curve', Buffer.from(data));
  const rates = decoded.entries.map((e: { rate: { toString(): string } }) => BigInt(e.rate.toString()));
  const bounds = decoded.entries.map((e: { supply_bound: { toString(): string } }) => BigInt(e.supply_bound.toString()));
  assert.deepEqual(rates, curve.map((e) => e.rate));
  assert.deepEqual(bounds, curve.map((e) => e.supplyBound));
  assert.deepEqual(rates, (await env.curve()).entries.map((e) => e.rate), 'the same numbers as the generated decoder');
  assert.ok(rates.some((r: bigint) => r >= 1n << 64n) === false && rates[255] === (1n << 64n) - 1n, 'the saturated top rate survives');
});
