/** Kuma's label selector: the resources whose labels include every `matchLabels` pair. */
import { Type } from '@sinclair/typebox';
import { Labels, Strict } from '../primitives.js';

export const LabelSelector = (description: string) =>
  Strict(
    { matchLabels: Type.Optional(Labels({ description: 'Labels a selected resource has, all of them.' })) },
    { description },
  );

/** A freeform extension a plugin reads: its type names the plugin. */
export const Extension = Strict({
  type: Type.String({ minLength: 1, description: 'Which extension reads `config`.' }),
  config: Type.Optional(Type.Unknown({ description: 'Settings of the extension; it validates them itself.' })),
});
