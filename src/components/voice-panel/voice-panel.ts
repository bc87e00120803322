import { LitElement, css, html } from 'lit';
import { en } from '../../i18n/en.js';
import { sharedStyles } from '../../styles/shared.js';

/**
 * The voice panel of the chat (phone callback and in-browser voice). This release ships the
 * element as a shell so layouts and manifests can rely on it: it shows that voice is not available
 * yet and renders its slot. A later release fills it; its tag, parts and slot stay.
 *
 * @tag amoiq-voice-panel
 * @summary Voice calls (phone callback, in-browser voice); a shell in this release.
 *
 * @slot - Content shown under the notice.
 *
 * @csspart base - The panel.
 */
export class AmoiqVoicePanel extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .base {
        padding: 1rem;
      }
    `,
  ];

  override render() {
    return html`<section part="base" class="base" aria-label="Voice">
      <p>${en.voiceUnavailable}</p>
      <slot></slot>
    </section>`;
  }
}
