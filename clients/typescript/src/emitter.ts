// A minimal typed event emitter, so that the client needs neither a framework nor the DOM's EventTarget.

type Listeners = Record<string, (...args: never[]) => void>;

export class Emitter<Events extends Listeners> {
  readonly #listeners = new Map<keyof Events, Set<Events[keyof Events]>>();

  /** Adds a listener; the function returned removes it. */
  on<K extends keyof Events>(type: K, listener: Events[K]): () => void {
    let listeners = this.#listeners.get(type);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(type, listeners);
    }
    listeners.add(listener);
    return () => this.off(type, listener);
  }

  off<K extends keyof Events>(type: K, listener: Events[K]): void {
    this.#listeners.get(type)?.delete(listener);
  }

  /**
   * Calls every listener. One that throws neither stops the others nor the caller, which is in the middle of
   * handling a socket event: its error is rethrown on its own, as a browser reports an event listener's.
   */
  emit<K extends keyof Events>(type: K, ...args: Parameters<Events[K]>): void {
    const listeners = this.#listeners.get(type);
    if (!listeners) {
      return;
    }
    for (const listener of [...listeners]) {
      try {
        listener(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
