/**
 * `--dataplane-file`: the Dataplane this agent stands for, as a Kuma user
 * writes it for kuma-dp (YAML or JSON, with template variables).
 *
 *   file ─► fill {{ vars }} ─► parse (one document) ─► mesh/name from flags where absent
 *        ─► validate as the control plane will ─► {mesh, name, document, json}
 *
 * Validated here, before anything is sent, so a mistake is reported with its
 * field and file rather than as a refusal from the control plane. `json` is
 * what leaves the agent: `dataplaneResource` of the bootstrap request (Envoy)
 * or `dataplane.resource` of the node metadata (proxyless gRPC).
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { readYamlDocuments } from '../api/index.js';
import { coreKindRegistry, isKogumaError, SERVICE_TAG, validateDocument } from '../api/index.js';
import { DpError } from './errors.js';
import { renderTemplate, type TemplateVars } from './template.js';

/** `--mesh` and `--name`, when given. */
export interface IdentityFlags {
  readonly mesh?: string;
  readonly name?: string;
}

export interface DataplaneIdentity {
  readonly mesh: string;
  readonly name: string;
}

export interface LoadedDataplane extends DataplaneIdentity {
  readonly document: Readonly<Record<string, unknown>>;
  /** The document as JSON text. */
  readonly json: string;
  /** `kuma.io/service` of the first inbound (or of the gateway), when there is one. */
  readonly service?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The one document of a file's text; YAML unless the name ends in `.json`. */
function parseOne(text: string, source: string): unknown {
  if (extname(source).toLowerCase() === '.json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new DpError(`cannot parse ${source}: ${(error as Error).message}`);
    }
  }
  // Depth-bounded: a file nested thousands of levels deep is refused, not a crash.
  const documents = readYamlDocuments(text);
  const problems = documents.flatMap((document) => (document.ok ? [] : [`  ${document.reason}`]));
  if (problems.length > 0) throw new DpError(`cannot parse ${source}`, problems);
  const values = documents
    .map((document) => (document.ok ? document.value : undefined))
    .filter((value) => value !== null && value !== undefined);
  if (values.length !== 1)
    throw new DpError(`${source} holds ${values.length} documents; a dataplane file holds exactly one Dataplane`);
  return values[0];
}

/** Mesh and name from the flags where the document has none; a disagreement is an issue on that field. */
function withIdentity(
  document: Record<string, unknown>,
  flags: IdentityFlags,
): { document: Record<string, unknown>; issues: string[] } {
  const issues: string[] = [];
  const filled: Record<string, unknown> = { type: document['type'] };
  for (const field of ['mesh', 'name'] as const) {
    const flag = flags[field];
    const value = document[field];
    if (value === undefined && flag !== undefined) filled[field] = flag;
    else if (flag !== undefined && value !== flag)
      issues.push(`  ${field}: is ${JSON.stringify(value)} but --${field} says ${JSON.stringify(flag)}`);
  }
  return { document: { ...filled, ...document }, issues };
}

function serviceOf(document: Record<string, unknown>): string | undefined {
  const networking = isObject(document['networking']) ? document['networking'] : {};
  const inbound = Array.isArray(networking['inbound']) ? (networking['inbound'] as unknown[]) : [];
  const first = inbound[0] ?? networking['gateway'];
  const tags = isObject(first) && isObject(first['tags']) ? first['tags'] : {};
  const service = tags[SERVICE_TAG];
  return typeof service === 'string' ? service : undefined;
}

/** A dataplane file's text, filled, parsed and validated. `source` names it in every message. */
export function dataplaneFromText(
  text: string,
  source: string,
  vars: TemplateVars,
  flags: IdentityFlags,
): LoadedDataplane {
  const parsed = parseOne(renderTemplate(text, vars, source), source);
  if (!isObject(parsed))
    throw new DpError(`${source} is not a valid Dataplane`, [
      '  document: must be an object with type: Dataplane, mesh, name and networking',
    ]);
  if (parsed['type'] !== 'Dataplane')
    throw new DpError(`${source} is not a valid Dataplane`, [
      `  type: must be "Dataplane"${parsed['type'] === undefined ? '' : `, not ${JSON.stringify(parsed['type'])}`}`,
    ]);
  const { document, issues } = withIdentity(parsed, flags);
  if (issues.length > 0) throw new DpError(`${source} does not match the flags`, issues);
  try {
    validateDocument(coreKindRegistry, document);
  } catch (error) {
    if (!isKogumaError(error)) throw error;
    const details = error.invalidParameters.map((issue) => `  ${issue.field}: ${issue.reason}`);
    throw new DpError(`${source} is not a valid Dataplane`, details.length > 0 ? details : [`  ${error.message}`]);
  }
  const service = serviceOf(document);
  return {
    mesh: String(document['mesh']),
    name: String(document['name']),
    document,
    json: JSON.stringify(document),
    ...(service === undefined ? {} : { service }),
  };
}

export async function loadDataplaneFile(
  path: string,
  vars: TemplateVars,
  flags: IdentityFlags,
): Promise<LoadedDataplane> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DpError(
      `cannot read the dataplane file ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  return dataplaneFromText(text, path, vars, flags);
}

/**
 * `--admin-port` in the Dataplane (`networking.admin.port`), where the
 * control plane reads Envoy's admin port from; a different port already
 * there is a conflict, named.
 */
export function withAdminPort(loaded: LoadedDataplane, port: number, source: string): LoadedDataplane {
  const networking = loaded.document['networking'] as Record<string, unknown>;
  const admin = isObject(networking['admin']) ? networking['admin'] : {};
  if (admin['port'] === port) return loaded;
  if (admin['port'] !== undefined)
    throw new DpError(`${source} does not match the flags`, [
      `  networking.admin.port: is ${String(admin['port'])} but --admin-port says ${port}`,
    ]);
  const document = { ...loaded.document, networking: { ...networking, admin: { ...admin, port } } };
  return { ...loaded, document, json: JSON.stringify(document) };
}

/** Mesh and name without a file (indirect mode: the Dataplane already exists in the control plane). */
export function identityFromFlags(flags: IdentityFlags): DataplaneIdentity {
  const missing = (['mesh', 'name'] as const).filter((field) => flags[field] === undefined || flags[field] === '');
  if (missing.length > 0)
    throw new DpError(
      `${missing.map((field) => `--${field}`).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} required without --dataplane-file`,
    );
  return { mesh: flags.mesh!, name: flags.name! };
}
