/**
 * The REST calls the bench makes: one PUT (a change to measure) and many
 * concurrent PUTs (setup). Paths follow Kuma's: /meshes/{mesh}/{plural}/{name}.
 */
import { kindRegistry } from '../../src/policies/index.js';
import { nowMs } from './clock.js';

export interface Document {
  readonly type: string;
  readonly mesh: string;
  readonly name: string;
}

/** Kuma's plurals (`meshretries`), from the kind registry. */
const plural = (type: string): string => kindRegistry.byType(type)?.plural ?? `${type.toLowerCase()}s`;

/** PUTs one document; resolves when the response is read, with the monotonic time it was. */
export async function put(apiUrl: string, document: Document): Promise<{ sentAt: number; answeredAt: number }> {
  const sentAt = nowMs();
  const response = await fetch(`${apiUrl}/meshes/${document.mesh}/${plural(document.type)}/${document.name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(document),
    signal: AbortSignal.timeout(30_000),
  });
  const body = await response.text();
  const answeredAt = nowMs();
  if (!response.ok) throw new Error(`PUT ${document.type} ${document.name}: ${response.status} ${body.slice(0, 500)}`);
  return { sentAt, answeredAt };
}

/** PUTs every document, `concurrency` at a time; resolves with the elapsed ms. */
export async function putAll(apiUrl: string, documents: readonly Document[], concurrency: number): Promise<number> {
  const started = nowMs();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < documents.length) await put(apiUrl, documents[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, documents.length) }, lane));
  return nowMs() - started;
}
