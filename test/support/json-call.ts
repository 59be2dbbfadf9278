/** One REST call with a JSON body and a JSON answer, as the API tests make them. */

export interface JsonAnswer {
  readonly status: number;
  // Answers are compared whole or read field by field; typing each shape would restate the API.
  readonly body: any;
}

export async function jsonCall(baseUrl: string, method: string, path: string, body?: unknown): Promise<JsonAnswer> {
  const response = await fetch(baseUrl + path, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** A PUT that must create or replace: anything else fails the test, with the answer. */
export async function putOk(baseUrl: string, path: string, body: unknown): Promise<void> {
  const answer = await jsonCall(baseUrl, 'PUT', path, body);
  if (answer.status !== 201 && answer.status !== 200)
    throw new Error(`PUT ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
}
