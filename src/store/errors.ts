/**
 * The errors every store raises for the contract's failure cases, built in one
 * place so memory and SQL stores say the same thing for the same situation (the
 * REST layer passes these messages to users verbatim).
 */
import { KogumaError, notFound, describeKey, type ResourceKey } from '../api/index.js';

export const missing = (key: ResourceKey): KogumaError => notFound(describeKey(key));

export const alreadyExists = (key: ResourceKey): KogumaError =>
  new KogumaError('Conflict', `${describeKey(key)} already exists`);

export const staleVersion = (key: ResourceKey, stored: number, expected: number): KogumaError =>
  new KogumaError(
    'Conflict',
    `${describeKey(key)} was changed since it was read: version ${stored} is stored, version ${expected} was expected`,
  );
