/**
 * `koguma inspect dataplane NAME [-m MESH] [--type config|overview|policies] [-o yaml|json]`:
 * what the control plane serves a proxy right now (`_config`: every xDS
 * resource as Envoy JSON), its connection status (`_overview`: connected,
 * per type the versions sent and acknowledged, the last rejection, a
 * configuration held back by the consistency gate) or the
 * policies that configure it and what they resolve to (`_rules`).
 *
 * `koguma inspect dataplane NAME --type config-dump|stats|clusters [--include-eds]`:
 * what the proxy's Envoy itself holds, read through its agent (`xds`,
 * `stats`, `clusters`), printed as Envoy wrote it, as kumactl does.
 *
 * `koguma inspect <policy-kind> NAME [-m MESH] [-o table|yaml|json]`: the
 * dataplanes a policy selects (`_resources/dataplanes`).
 */
import { Command, Option } from 'commander';
import { formatTable } from '../table.js';
import type { ApiClient } from '../client.js';
import { clientFor, type CliContext } from '../context.js';
import { ApiError, CliError } from '../errors.js';
import { renderJson, renderYaml } from '../output.js';
import { kindCatalogue, policyKinds, type CliKind } from '../kind-catalogue.js';
import { itemPath } from '../paths.js';
import { missingResource } from './missing.js';

export const INSPECT_TYPES = ['config', 'overview', 'policies', 'config-dump', 'stats', 'clusters'] as const;
export type InspectType = (typeof INSPECT_TYPES)[number];

const dataplaneKind = (): CliKind => kindCatalogue().resolve('Dataplane')!;

/** The REST sub-resource behind each `--type`. */
const INSPECT_PATHS: Readonly<Record<InspectType, string>> = {
  config: '_config?format=koguma',
  overview: '_overview',
  policies: '_rules',
  'config-dump': 'xds',
  stats: 'stats',
  clusters: 'clusters',
};

/** Query parameters of a `--type`'s request: `policies` reads Koguma's explanation of the rules, not Kuma's listing. */
const INSPECT_QUERIES: Partial<Readonly<Record<InspectType, Readonly<Record<string, string>>>>> = {
  policies: { format: 'koguma' },
};

/** The types whose answer is Envoy's own output, printed as it comes rather than as YAML or JSON. */
const ENVOY_OUTPUT_TYPES: ReadonlySet<InspectType> = new Set(['config-dump', 'stats', 'clusters']);

export interface InspectDataplaneOptions {
  readonly mesh: string;
  readonly type: InspectType;
  readonly output: 'yaml' | 'json';
  /** With `--type config-dump`: the endpoints (EDS) too. */
  readonly includeEds?: boolean;
}

export async function runInspectDataplane(
  client: ApiClient,
  name: string,
  options: InspectDataplaneOptions,
  context: CliContext,
): Promise<void> {
  if (options.includeEds === true && options.type !== 'config-dump')
    throw new CliError('--include-eds can be used only with --type config-dump');
  const path = `${itemPath(dataplaneKind(), options.mesh, name)}/${INSPECT_PATHS[options.type]}`;
  try {
    if (ENVOY_OUTPUT_TYPES.has(options.type)) {
      const text = await client.getText(
        path,
        options.includeEds === true ? new URLSearchParams({ include_eds: 'true' }) : undefined,
      );
      context.out(text.endsWith('\n') ? text : `${text}\n`);
      return;
    }
    const query = INSPECT_QUERIES[options.type];
    const answer = await client.get(path, query === undefined ? undefined : new URLSearchParams(query));
    context.out(options.output === 'json' ? renderJson(answer) : renderYaml([answer]));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404)
      throw await missingResource(client, dataplaneKind(), options.mesh, name);
    throw error;
  }
}

interface SelectedDataplanes {
  readonly total: number;
  readonly items: readonly { readonly mesh: string; readonly name: string }[];
  /** Absent (or null) on the last page. */
  readonly next?: string | null;
}

/** Page size when reading the dataplanes a policy selects (the API allows up to 1000). */
const SELECTED_PAGE = 500;

/** Every page of the dataplanes a policy selects. */
async function selectedDataplanes(client: ApiClient, path: string): Promise<SelectedDataplanes> {
  const items: SelectedDataplanes['items'][number][] = [];
  let total: number;
  for (let offset = 0; ;) {
    const page = (await client.get(`${path}?offset=${offset}&size=${SELECTED_PAGE}`)) as unknown as SelectedDataplanes;
    items.push(...page.items);
    total = page.total;
    offset += SELECTED_PAGE;
    if (!page.next || offset >= page.total) break;
  }
  return { total, items };
}

export async function runInspectPolicy(
  client: ApiClient,
  kind: CliKind,
  name: string,
  options: { mesh: string; output: 'table' | 'yaml' | 'json' },
  context: CliContext,
): Promise<void> {
  let answer: SelectedDataplanes;
  try {
    answer = await selectedDataplanes(client, `${itemPath(kind, options.mesh, name)}/_resources/dataplanes`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404)
      throw await missingResource(client, kind, options.mesh, name);
    throw error;
  }
  if (options.output === 'json') context.out(renderJson(answer));
  else if (options.output === 'yaml') context.out(renderYaml([answer as unknown as Record<string, unknown>]));
  else
    context.out(
      formatTable(
        ['MESH', 'DATAPLANE'],
        answer.items.map((item) => [item.mesh, item.name]),
      ),
    );
}

export function inspectCommand(context: CliContext): Command {
  const inspect = new Command('inspect').description(
    'Show what the control plane knows about a proxy, or whom a policy selects',
  );
  inspect
    .command('dataplane')
    .description(
      "Show the xDS configuration served to a dataplane now, its connection status, the policies that configure it, or its Envoy's config dump, stats or clusters",
    )
    .argument('<name>', 'name of the dataplane')
    .option('-m, --mesh <mesh>', 'mesh of the dataplane', 'default')
    .addOption(
      new Option(
        '--type <type>',
        "what to show; config-dump, stats and clusters come from the dataplane's Envoy, through its agent, as Envoy prints them",
      )
        .choices(INSPECT_TYPES)
        .default('config'),
    )
    .option('--include-eds', 'with --type config-dump: the endpoints too')
    .addOption(
      new Option('-o, --output <format>', 'output format of config, overview and policies')
        .choices(['yaml', 'json'])
        .default('yaml'),
    )
    .action(async (name: string, options: InspectDataplaneOptions, command: Command) => {
      await runInspectDataplane(clientFor(command), name, options, context);
    });
  for (const kind of policyKinds(kindCatalogue())) {
    inspect
      .command(kind.name.toLowerCase())
      .aliases([kind.plural, kind.shortName])
      .description(`Show the dataplanes a ${kind.name} selects`)
      .argument('<name>', `name of the ${kind.name}`)
      .option('-m, --mesh <mesh>', 'mesh of the policy', 'default')
      .addOption(
        new Option('-o, --output <format>', 'output format').choices(['table', 'yaml', 'json']).default('table'),
      )
      .action(async (name: string, options: { mesh: string; output: 'table' | 'yaml' | 'json' }, command: Command) => {
        await runInspectPolicy(clientFor(command), kind, name, options, context);
      });
  }
  return inspect;
}
