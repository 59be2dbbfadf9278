/**
 * The signed-in token (a user or admin token), kept for the browser tab's
 * session only: closing the tab signs out. Without one, the API's anonymous
 * access applies (reads, where the API allows them).
 */
const KEY = 'koguma.token';
const listeners = new Set<() => void>();

export function currentToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function signIn(token: string): void {
  sessionStorage.setItem(KEY, token.trim());
  listeners.forEach((listener) => listener());
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  listeners.forEach((listener) => listener());
}

/** For useSyncExternalStore: called whenever the token changes. */
export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
