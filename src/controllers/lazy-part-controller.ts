import type { CSSResult, ReactiveController, ReactiveControllerHost } from 'lit';

/** What a lazily loaded render module may bring: its styles, adopted by the host once loaded. */
export interface LazyPartModule {
  styles?: CSSResult;
}

/** Modules registered up front by name (the npm entries do this; see registry.ts). */
const registered = new Map<string, LazyPartModule>();

/**
 * Makes a lazily loaded render module available at once under its name: the npm entries
 * (registry.ts) register them, so apps and tests render synchronously and leave splitting to
 * their bundler; the drop-in does not, so it fetches each as a chunk on first use.
 */
export function registerPart(name: string, module: LazyPartModule): void {
  registered.set(name, module);
}

/**
 * Loads a render module the host needs only sometimes (attachment chips, file previews) the
 * first time {@link get} is called, then adopts the module's `styles` into the host's shadow root
 * and re-renders. Until then `get()` answers `undefined` and the host renders nothing in its
 * place. Keeps such code out of the initial drop-in script (each is a chunk of its own). A
 * failed import (offline) warns once and is tried again on the next `get()`.
 *
 * @example
 * private readonly chips = new LazyPartController(this, 'attachment-chips', () => import('./attachment-chips.js'));
 * render() { return html`${this.chips.get()?.renderChips(…)}`; }
 */
export class LazyPartController<M extends LazyPartModule> implements ReactiveController {
  private module?: M;
  private loading?: Promise<void>;
  private warned = false;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly name: string,
    private readonly load: () => Promise<M>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** The module once loaded; the first call starts loading it. */
  get(): M | undefined {
    if (!this.module) {
      const ready = registered.get(this.name) as M | undefined;
      if (ready) this.use(ready);
      else this.start();
    }
    return this.module;
  }

  /** Starts loading without rendering anything yet (e.g. when the host first shows its button). */
  preload(): void {
    if (!this.module) this.start();
  }

  /** Keeps the module and adopts its styles into the host's shadow root. */
  private use(module: M): void {
    this.module = module;
    const root = this.host.shadowRoot;
    const sheet = module.styles?.styleSheet;
    if (root && sheet && !root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  }

  private start(): void {
    this.loading ??= this.load().then(
      (module) => {
        this.use(module);
        this.host.requestUpdate();
      },
      (err: unknown) => {
        this.loading = undefined;
        if (!this.warned) console.warn('[amoiq-chat] could not load part of the widget:', err);
        this.warned = true;
      },
    );
  }
}
