/**
 * Fan-out of change events to the `watch` listeners of one store instance.
 * Shared by every store so they all treat listeners alike: each event reaches
 * every listener registered when it is delivered, and a listener that throws is
 * logged without starving the others (one faulty consumer must not stop the mesh
 * view from hearing changes).
 */
import type { StoreLogger } from './logger.js';
import type { ChangeListener, StoreEvent } from './types.js';

export interface ListenerSet {
  /** Registers a listener; returns the function that removes it. */
  add(listener: ChangeListener): () => void;
  emit(event: StoreEvent): void;
  clear(): void;
}

export function createListenerSet(logger: StoreLogger): ListenerSet {
  const listeners = new Set<ChangeListener>();
  return {
    add(listener) {
      // A wrapper per registration, so registering one function twice gives two
      // independent subscriptions, each stopped by its own function.
      const entry: ChangeListener = (event) => listener(event);
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
    emit(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          logger.error({ err: error, event }, 'store change listener threw');
        }
      }
    },
    clear() {
      listeners.clear();
    },
  };
}
