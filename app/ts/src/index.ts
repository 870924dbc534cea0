// The DIEM TypeScript client: the Codama-generated instructions, accounts, types, PDAs and
// errors (src/generated), and a thin layer of what generation cannot give.
export * from './generated/index.js';
export * from './idl.generated.js';
export * from './diemStakes.js';
export * from './errors.js';
export * from './events.js';
export * from './governance.js';
export * from './position.js';
export * from './quote.js';
export * from './returnData.js';
export * from './rewards.js';
export * from './tickets.js';
export * from './tokens.js';
export * from './yield.js';
