/** The product version, read once from package.json so there is one place to bump it. */
import { readFileSync } from 'node:fs';

const packageJson = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export const productVersion: string = packageJson.version;

/** The Kuma release whose REST API and resources this control plane follows (the index's `basedOnKuma`). */
export const basedOnKuma = '2.14.3';
