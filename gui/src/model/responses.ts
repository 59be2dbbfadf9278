/**
 * The body of a GET's 200 answer, by path: types read off the paths rather
 * than the schemas' component names, which may be renamed in the document.
 */
import type { paths } from '../api/client';

type Gettable = {
  [P in keyof paths]: paths[P] extends { get: { responses: { 200: unknown } } } ? P : never;
}[keyof paths];

export type OkBody<P extends Gettable> = paths[P] extends {
  get: { responses: { 200: { content: { 'application/json': infer B } } } };
}
  ? B
  : never;
