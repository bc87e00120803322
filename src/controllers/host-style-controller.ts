import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { DEFAULTS, isColor, isLength, parseRgb } from '../config.js';
import { BRAND_PROPERTIES } from '../styles/brand-properties.js';

/** The element's properties the controller reads (`width`, `height`, `theme-color`). */
export interface StyledHost extends ReactiveControllerHost, HTMLElement {
  width: string;
  height: string;
  themeColor: string;
}

/** What else it needs from the element. */
export interface HostStyleSource {
  /** The tenant's colour (remote configuration), once known. */
  remoteColor(): string | undefined;
  /** The element the custom properties go on (the wrapper in the shadow root). */
  base(): HTMLElement | null;
}

/**
 * Puts the configured size and the brand colour's tones on the widget's wrapper after each update
 * — only what is configured, so a host page's own custom properties apply otherwise, and through
 * the CSSOM, which a strict CSP allows (unlike a style attribute).
 *
 * The brand colour (docs/theming.md, "Brand colour") comes from `theme-color` (or the tenant's),
 * else from a `--amoiq-chat-brand-color` — or, as before, `--amoiq-chat-accent-color` — the page
 * set; the tones for text and icons are derived (brand-tone.ts, a chunk of its own loaded the first
 * time a colour is configured: until then only the exact colour is set), except those the page set
 * itself. Nothing configured: the defaults of tokens.ts apply.
 */
export class HostStyleController implements ReactiveController {
  private toneModule?: typeof import('../styles/brand-tone.js');
  /**
   * Updates seen. The page's custom properties are read from the second on, the first is followed
   * by one in a task of its own: `getComputedStyle` forces a style recalculation, which the task
   * rendering the launcher at start should not add to.
   */
  private updates = 0;

  constructor(
    private readonly host: StyledHost,
    private readonly source: HostStyleSource,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    if (this.updates++ === 0) setTimeout(() => this.hostUpdated());
    const { width, height } = this.host;
    const base = this.source.base();
    if (!base) return;
    for (const [name, value] of Object.entries({
      '--amoiq-chat-width': width !== DEFAULTS.width && isLength(width) && width,
      '--amoiq-chat-height': height !== DEFAULTS.height && isLength(height) && height,
      ...this.brandTones(),
    })) {
      if (value) base.style.setProperty(name, value);
      else base.style.removeProperty(name);
    }
  }

  private brandTones(): Record<string, string | undefined> {
    const configured = [this.host.themeColor, this.source.remoteColor()].find((c) => c && isColor(c));
    const page = configured || this.updates < 2 ? undefined : getComputedStyle(this.host);
    const pageValue = (name: string) => page?.getPropertyValue(name).trim() ?? '';
    const source = configured || pageValue('--amoiq-chat-brand-color') || pageValue('--amoiq-chat-accent-color');
    const rgb = source ? parseRgb(source) : undefined;
    if (rgb && !this.toneModule) {
      void import('../styles/brand-tone.js').then((m) => {
        this.toneModule = m;
        this.host.requestUpdate();
      }, String);
    }
    const tones: Record<string, string | undefined> = rgb && this.toneModule ? this.toneModule.brandProperties(rgb) : {};
    if (rgb && !this.toneModule && configured) tones['--amoiq-chat-brand-color'] = configured;
    for (const name of BRAND_PROPERTIES) if (!rgb || pageValue(name)) tones[name] = undefined;
    return tones;
  }
}
