/**
 * Names of the Secrets the control plane keeps for itself inside a mesh
 * (`<prefix>-<mesh>`). They must obey the same name rule as any user resource,
 * and a long mesh name can push `prefix + mesh` past the length limit, so the
 * name is checked here rather than failing later inside a store write.
 */
import { KogumaError, NAME_MAX_LENGTH, NAME_PATTERN } from '../api/index.js';

const validName = new RegExp(NAME_PATTERN);

export function systemSecretName(prefix: string, mesh: string): string {
  const name = `${prefix}-${mesh}`;
  if (name.length > NAME_MAX_LENGTH || !validName.test(name)) {
    throw new KogumaError(
      'InvalidInput',
      `mesh "${mesh}" cannot hold the secret "${name}": secret names are at most ${NAME_MAX_LENGTH} characters of lower case letters, digits, "-" and "."`,
    );
  }
  return name;
}
