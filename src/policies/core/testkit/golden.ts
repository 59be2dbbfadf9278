/**
 * Golden files of the policy tests (STYLE.md rule 6): the comparison with a
 * checked-in file, rewritten instead when `UPDATE_GOLDEN=1`
 * (xds/generate/testing/golden.ts), and the text a configuration is written as.
 *
 * Two layouts are in use and both are kept byte for byte: most policies write
 * `{ resources, warnings }`; MeshTimeout and MeshRetry write `{ warnings,
 * resources }`. The route plugins write a bare list of resources (`jsonText`).
 */
import type { JsonValue } from '@bufbuild/protobuf';
import { resourceJson } from '../../../xds/generate/index.js';
import type { TypeUrl, EncodedResource } from '../../../xds/index.js';

import { assertConsistent } from '../../../xds/generate/testing/consistency.js';

export { expectGolden, srcPath } from '../../../xds/generate/testing/golden.js';

/** A value as golden files hold it: two-space indentation and a final newline. */
export const jsonText = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export interface GoldenLayout {
  /** Only the resources of these types; all of them by default. */
  readonly types?: readonly TypeUrl[];
  /** Warnings before resources (the MeshTimeout and MeshRetry files). */
  readonly warningsFirst?: boolean;
}

/**
 * A configuration's resources, as JSON in configuration order, and its
 * warnings, as golden text. The whole configuration must pass the consistency
 * gate first, so a plugin that leaves a dangling name fails its own tests.
 */
export function goldenText(
  config: { readonly resources: readonly EncodedResource[]; readonly warnings: readonly string[] },
  layout: GoldenLayout = {},
): string {
  assertConsistent(config.resources);
  const { types } = layout;
  const resources: JsonValue[] = (
    types ? config.resources.filter((r) => types.includes(r.typeUrl)) : config.resources
  ).map(resourceJson);
  return jsonText(
    layout.warningsFirst ? { warnings: config.warnings, resources } : { resources, warnings: config.warnings },
  );
}
