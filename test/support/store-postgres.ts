/**
 * Throwaway PostgreSQL schemas for the store tests, so runs sharing one server
 * (two CI jobs, a developer and CI) never see each other's tables. A store opened
 * on `url` creates its tables in the schema (it is first on the search path).
 */
import postgres from 'postgres';

export interface TestSchema {
  readonly name: string;
  /** The server URL with the schema as the search path. */
  readonly url: string;
  drop(): Promise<void>;
}

export async function createTestSchema(serverUrl: string, label: string): Promise<TestSchema> {
  const name = `koguma_test_${label}_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create schema ${name}`);
  } catch (error) {
    await admin.end();
    throw error;
  }
  const url = new URL(serverUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    name,
    url: url.toString(),
    async drop() {
      try {
        await admin.unsafe(`drop schema ${name} cascade`);
      } finally {
        await admin.end();
      }
    },
  };
}
