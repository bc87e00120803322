import { isServer } from 'lit';
import type { ChatRuntime, HostParts, RuntimeHost } from './chat-runtime.js';
import { hasConversation } from './conversation-marker.js';

type RuntimeModule = typeof import('./chat-runtime.js');

/** The chat's runtime module once here (at once with the eager entries: {@link useRuntime}). */
let runtimeModule: RuntimeModule | undefined;
/** Whether elements get the runtime when created (eager entries), rather than when they need it. */
let eager = false;
let importing: Promise<RuntimeModule> | undefined;

/**
 * Gives `<amoiq-chat>` its runtime (chat-runtime.ts) up front: every element created afterwards
 * has its service, panel and controllers from the start. The eager entries (`amoiq-chat/define`,
 * `define()`) call it; without it an element imports the runtime when it first needs it.
 */
export function useRuntime(module: RuntimeModule): void {
  runtimeModule = module;
  eager = true;
}

/** The runtime module if it has loaded (or was given by {@link useRuntime}). */
export const runtimeLoaded = (): RuntimeModule | undefined => runtimeModule;

function importRuntime(): Promise<RuntimeModule> {
  return (importing ??= import('./chat-runtime.js').then(
    (m) => (runtimeModule = m),
    (err: unknown) => {
      importing = undefined;
      throw err;
    },
  ));
}

/**
 * Where one `<amoiq-chat>` keeps its {@link ChatRuntime}: created with the element when the
 * module is here already (eager entries), else imported and attached on demand (`late`), once; a
 * failed import is tried again at the next demand.
 */
export class RuntimeSlot {
  runtime?: ChatRuntime;
  private loading?: Promise<ChatRuntime>;
  /** `show()` before the runtime: focus the composer once it is here. */
  private focusOnLoad = false;

  constructor(
    private readonly host: RuntimeHost,
    private readonly parts: HostParts,
  ) {
    // Lazy entries: even once the module is here (another element loaded it), an element waits
    // for its own need, so a new visitor's page does not connect.
    // Lit SSR renders the launcher only: the chat (service, panel) starts in the browser.
    if (eager && runtimeModule && !isServer) this.runtime = this.create(runtimeModule, false);
  }

  /** The runtime, loading it if needed. */
  load(): Promise<ChatRuntime> {
    if (this.runtime) return Promise.resolve(this.runtime);
    if (isServer) return new Promise<ChatRuntime>(() => undefined); // never on the server (above)
    return (this.loading ??= importRuntime().then(
      (m) => (this.runtime ??= this.create(m, true)),
      (err: unknown) => {
        this.loading = undefined;
        console.error('[amoiq-chat] could not load the chat:', err);
        throw err;
      },
    ));
  }

  /**
   * A returning visitor with a conversation gets the runtime without interaction (for the unread
   * badge). The marker is read in a task of its own: the page's first localStorage access opens
   * its storage area, which the first render's task should not pay for.
   */
  whenReturning(): void {
    if (isServer) return;
    setTimeout(() => {
      if (!this.runtime && hasConversation(this.host)) void this.load().catch(() => undefined);
    });
  }

  /**
   * A sign of interest (pointer over, press of or focus on the launcher, the panel opening): the
   * runtime and the panel's parts are fetched now, so a click finds them. An arrow, for listeners.
   */
  readonly interest = (): void => {
    // The panel's module at once, beside the runtime (which it imports), not after the runtime ran.
    // A prefetch: the runtime's loadPanel() imports and reads the same module.
    // eslint-disable-next-line no-restricted-syntax
    void import('../../panel.js').catch(() => undefined);
    void this.load().then(
      () => runtimeModule!.loadPanel(),
      () => undefined,
    );
  };

  /** Moves focus to the composer once the panel is shown (when the runtime is here). */
  focusComposerOnShow(): void {
    if (this.runtime) this.runtime.focusComposerOnShow();
    else this.focusOnLoad = true;
  }

  private create(m: RuntimeModule, late: boolean): ChatRuntime {
    const runtime = new m.ChatRuntime(this.host, this.parts, late);
    if (this.focusOnLoad) runtime.focusComposerOnShow();
    this.focusOnLoad = false;
    return runtime;
  }
}
