/** The store contract on the memory store. */
import { createStore } from '../../src/store/index.js';
import { storeContract } from './store.contract.js';

storeContract('memory', async ({ indexTags }) => createStore({ type: 'memory', indexTags }), {
  persistent: false,
  sharedByInstances: false,
});
