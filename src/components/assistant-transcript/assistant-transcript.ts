import { LitElement, css, html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { ChatStateController } from '../../controllers/chat-state-controller.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import { sharedStyles } from '../../styles/shared.js';
import { formStyles } from '../pre-chat-form/form.styles.js';

/**
 * The transcript of a closed conversation, one compact row: "Transcript: Plain text · HTML ·
 * E-mail". The downloads (a group named "Download transcript") fetch it with the visitor's
 * session (`ChatService.transcript()`) and save it as a file; "E-mail" (named "E-mail me the
 * transcript", a toggle) opens, under the row, a form for an address prefilled from the contact
 * details (`ChatService.emailTranscript()`), brought into view with focus in its field.
 * Outcomes are a polite status, brought into view within the closed bar: sent; not sent because
 * the server has no e-mail (`delivered: false`: download it instead); or the e-mail failed (try
 * again).
 *
 * @tag amoiq-assistant-transcript
 * @summary Download or e-mail the transcript of a closed conversation.
 *
 * @csspart base - The group.
 * @csspart download-text - The plain-text download button.
 * @csspart download-html - The HTML download button.
 * @csspart email-toggle - The button that opens (and closes) the e-mail form.
 * @csspart email-input - The e-mail field.
 * @csspart email-button - The button that sends the transcript.
 */
export class AmoiqAssistantTranscript extends LitElement {
  static override styles = [
    sharedStyles,
    formStyles,
    css`
      :host {
        display: block;
      }
      .base {
        display: grid;
        gap: 0.375rem;
        justify-items: center;
        font-size: 0.8125rem;
      }
      .row,
      .downloads {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: center;
        gap: 0.375rem;
      }
      .link-button {
        border: 1px solid currentColor;
        border-radius: 1rem;
        background: transparent;
        color: inherit;
        font: inherit;
        padding: 0.125rem 0.625rem;
        min-block-size: 1.5rem;
        cursor: pointer;
      }
      .link-button[aria-expanded='true'] {
        font-weight: 600;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        align-items: end;
        justify-content: center;
      }
      label {
        display: grid;
        gap: 0.125rem;
        justify-items: start;
      }
      form[hidden] {
        display: none;
      }
      p {
        margin: 0;
      }
      .status:empty {
        display: none;
      }
    `,
  ];

  @state() private status = '';
  @state() private emailing = false;
  private readonly chat = new ChatStateController(this);
  private readonly l10n = new LocaleConsumer(this);

  override render() {
    const t = this.l10n.value.strings.assistantUi;
    return html`<div part="base" class="base">
      <div class="row">
        <span aria-hidden="true">${t.transcriptLabel}:</span>
        <div class="downloads" role="group" aria-label=${t.downloadTranscript}>
          <button part="download-text" class="link-button" type="button" @click=${() => this.download('text')}>${t.transcriptText}</button>
          <button part="download-html" class="link-button" type="button" @click=${() => this.download('html')}>${t.transcriptHtml}</button>
        </div>
        <button
          part="email-toggle"
          class="link-button"
          type="button"
          aria-label=${t.emailTranscript}
          aria-expanded=${this.emailing ? 'true' : 'false'}
          aria-controls="email-form"
          @click=${this.handleToggleEmail}
        >
          ${t.emailTranscriptShort}
        </button>
      </div>
      <form id="email-form" ?hidden=${!this.emailing} @submit=${this.handleEmail}>
        ${
          this.emailing
            ? html`<label
                  >${t.emailAddress}<input part="email-input" name="email" type="email" required autocomplete="email" .value=${this.chat.state?.contact?.email ?? ''}
                /></label>
                <button part="email-button" class="submit" type="submit">${t.sendTranscript}</button>`
            : nothing
        }
      </form>
      <p class="status" role="status">${this.status}</p>
    </div>`;
  }

  private async download(format: 'text' | 'html'): Promise<void> {
    const service = this.chat.service;
    if (!service) return;
    const t = this.l10n.value.strings.assistantUi;
    this.status = '';
    try {
      const transcript = await service.transcript(format);
      const url = URL.createObjectURL(transcript.blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = transcript.filename;
      a.hidden = true;
      this.renderRoot.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      void this.say(t.transcriptFailed);
      console.warn(`[amoiq-chat] Transcript not fetched: ${(err as Error).message}`);
    }
  }

  /** Opens the e-mail form (brought into view within the bar, focus in its field), or closes it. */
  private readonly handleToggleEmail = async (): Promise<void> => {
    this.emailing = !this.emailing;
    await this.updateComplete;
    if (!this.emailing) return;
    this.renderRoot.querySelector('form')?.scrollIntoView({ block: 'nearest' });
    this.renderRoot.querySelector<HTMLInputElement>('input')?.focus({ preventScroll: true });
  };

  /** Shows an outcome and brings it into view (the closed bar scrolls within the panel). */
  private async say(status: string): Promise<void> {
    this.status = status;
    await this.updateComplete;
    if (status) this.renderRoot.querySelector('.status')?.scrollIntoView({ block: 'nearest' });
  }

  private readonly handleEmail = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const service = this.chat.service;
    const input = (e.target as HTMLFormElement).elements.namedItem('email') as HTMLInputElement;
    if (!service || !input.checkValidity()) return;
    const t = this.l10n.value.strings.assistantUi;
    this.status = '';
    try {
      const sent = await service.emailTranscript(input.value.trim());
      // Not delivered: the server has no e-mail set up (protocol: "could not be sent"); a retry would say the same.
      void this.say(sent ? t.transcriptSent(input.value.trim()) : t.transcriptNotSent);
    } catch (err) {
      void this.say(t.transcriptEmailFailed);
      console.warn(`[amoiq-chat] Transcript not e-mailed: ${(err as Error).message}`);
    }
  };
}
