/**
 * The ResourceStore contract suite: one set of cases run against every store
 * (memory.test.ts, pglite.test.ts, postgres.test.ts), so the stores cannot drift
 * apart. The rules it checks are the header of src/store/types.ts.
 */
import { after, before, describe } from 'node:test';
import type { ResourceStore } from '../../src/store/index.js';
import { specTagIndexer } from '../support/store-drafts.js';
import type { ContractContext, MakeStore, StoreTraits } from './store-context.js';
import { changeLogCases } from './store-changes.cases.js';
import { leaseCases } from './store-leases.cases.js';
import { leftOpenCases } from './store-left-open.cases.js';
import { lifecycleCases } from './store-lifecycle.cases.js';
import { listCases } from './store-lists.cases.js';
import { recordCases } from './store-records.cases.js';
import { watchCases } from './store-watch.cases.js';
import { writeCases } from './store-writes.cases.js';

export type { MakeStore, StoreTraits } from './store-context.js';

export function storeContract(name: string, makeStore: MakeStore, traits: StoreTraits): void {
  describe(`ResourceStore contract: ${name}`, () => {
    const open = (): Promise<ResourceStore> => makeStore({ indexTags: specTagIndexer });
    let current: ResourceStore | undefined;
    let peer: ResourceStore | undefined;
    let counter = 0;

    const ctx: ContractContext = {
      traits,
      get store() {
        if (!current) throw new Error('the store is not open');
        return current;
      },
      unique: (prefix) => `${prefix}-${++counter}`,
      async peer() {
        if (!traits.sharedByInstances) return ctx.store;
        peer ??= await open();
        return peer;
      },
      async reopen() {
        await current?.close();
        current = undefined;
        current = await open();
        return current;
      },
    };

    before(async () => {
      current = await open();
    });
    after(async () => {
      await peer?.close();
      await current?.close();
    });

    describe('writes', () => writeCases(ctx));
    describe('lists', () => listCases(ctx));
    describe('watch', () => watchCases(ctx));
    describe('change log', () => changeLogCases(ctx));
    describe('registration leases', () => leaseCases(ctx));
    describe('subscriptions left open', () => leftOpenCases(ctx));
    describe('owned records', () => recordCases(ctx));
    describe('lifecycle', () => lifecycleCases(ctx));
  });
}
