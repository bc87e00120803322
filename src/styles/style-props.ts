import { noChange, nothing } from 'lit';
import { Directive, directive, PartType, type AttributePart, type PartInfo } from 'lit/directive.js';

/** Inline style values by property: camelCase (`blockSize`), dashed or custom (`--amoiq-x`). */
export type StyleProps = Readonly<Record<string, string | undefined | null>>;

/**
 * Like Lit's `styleMap`, but CSP-safe: it never writes the `style` attribute (styleMap writes it
 * as a string on the first render, which a `style-src` without `'unsafe-inline'` blocks as a
 * `style-src-attr` violation); every value goes through the CSSOM, which CSP allows.
 *
 * @example
 * html`<div style=${styleProps({ '--amoiq-chat-width': width, blockSize: '12px' })}></div>`
 */
class StylePropsDirective extends Directive {
  private previous = new Set<string>();

  constructor(partInfo: PartInfo) {
    super(partInfo);
    if (partInfo.type !== PartType.ATTRIBUTE || partInfo.name !== 'style') {
      throw new Error('styleProps() can only be used in the `style` attribute.');
    }
  }

  render(_styles: StyleProps): typeof nothing {
    return nothing;
  }

  override update(part: AttributePart, [styles]: [StyleProps]): typeof noChange {
    const style = (part.element as HTMLElement).style;
    for (const name of this.previous) {
      if (styles[name] != null) continue;
      this.previous.delete(name);
      if (name.includes('-')) style.removeProperty(name);
      else (style as unknown as Record<string, string>)[name] = '';
    }
    for (const [name, value] of Object.entries(styles)) {
      if (value == null) continue;
      this.previous.add(name);
      if (name.includes('-')) style.setProperty(name, value);
      else (style as unknown as Record<string, string>)[name] = value;
    }
    return noChange;
  }
}

/** Sets inline style properties through the CSSOM (CSP-safe `styleMap`). */
export const styleProps = directive(StylePropsDirective);
