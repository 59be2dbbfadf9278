/**
 * The typed API client: openapi-fetch over the control plane's own OpenAPI
 * document (types generated at build time into ./generated). Requests go to
 * the origin that served the GUI, with the signed-in token when there is one.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './generated/schema';
import { currentToken } from './session';

const bearer: Middleware = {
  onRequest({ request }) {
    const token = currentToken();
    if (token !== undefined) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(bearer);

export type { paths, components } from './generated/schema';
export type Schemas = import('./generated/schema').components['schemas'];
