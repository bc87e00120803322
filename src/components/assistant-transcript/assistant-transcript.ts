import { LitElement, css, html } from 'lit';
import { state } from 'lit/decorators.js';
import { ChatStateController } from '../../controllers/chat-state-controller.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import { sharedStyles } from '../../styles/shared.js';
import { formStyles } from '../pre-chat-form/form.styles.js';

/**
 * The transcript of a closed conversation: "Download transcript" as plain text or HTML (fetched
 * with the visitor's session, `ChatService.transcript()`, and saved as a file), and "E-mail me
 * the transcript" (an address, prefilled from the contact details; `ChatService.emailTranscript()`).
 * Outcomes are a polite status: sent; not sent because the server has no e-mail (`delivered:
 * false`: download it instead); or the e-mail failed (try again).
 *
 * @tag amoiq-assistant-transcript
 * @summary Download or e-mail the transcript of a closed conversation.
 *
 * @csspart base - The group.
 * @csspart download-text - The plain-text download button.
 * @csspart download-html - The HTML download button.
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
      .downloads {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
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
      <div class="downloads" role="group" aria-label=${t.downloadTranscript}>
        <span aria-hidden="true">${t.downloadTranscript}:</span>
        <button part="download-text" class="link-button" type="button" @click=${() => this.download('text')}>${t.transcriptText}</button>
        <button part="download-html" class="link-button" type="button" @click=${() => this.download('html')}>${t.transcriptHtml}</button>
      </div>
      ${
        this.emailing
          ? html`<form @submit=${this.handleEmail}>
              <label
                >${t.emailAddress}<input part="email-input" name="email" type="email" required autocomplete="email" .value=${this.chat.state?.contact?.email ?? ''}
              /></label>
              <button part="email-button" class="submit" type="submit">${t.sendTranscript}</button>
            </form>`
          : html`<button class="link-button" type="button" @click=${this.handleShowEmail}>${t.emailTranscript}</button>`
      }
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
      this.status = t.transcriptFailed;
      console.warn(`[amoiq-chat] Transcript not fetched: ${(err as Error).message}`);
    }
  }

  private readonly handleShowEmail = async (): Promise<void> => {
    this.emailing = true;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('input')?.focus();
  };

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
      this.status = sent ? t.transcriptSent(input.value.trim()) : t.transcriptNotSent;
    } catch (err) {
      this.status = t.transcriptEmailFailed;
      console.warn(`[amoiq-chat] Transcript not e-mailed: ${(err as Error).message}`);
    }
  };
}
