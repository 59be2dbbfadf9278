/**
 * The YAML library, required on first use rather than imported: it takes
 * about a tenth of a second to load, which a command that prints a table or
 * JSON, with no CLI configuration file to read, need not pay.
 */
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');

let loaded: Yaml | undefined;

export function yaml(): Yaml {
  loaded ??= createRequire(import.meta.url)('yaml') as Yaml;
  return loaded;
}
