import { LitElement, html, nothing } from 'lit';
import { property, queryAll, state } from 'lit/decorators.js';
import { ChatStateController } from '../../controllers/chat-state-controller.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import type { ContactDetails } from '../../services/chat-service.js';
import { sharedStyles } from '../../styles/shared.js';
import { autocompleteOf, inputType, isEmail, labelOf, toContact, type PreChatField } from './fields.js';
import { formStyles } from './form.styles.js';
import { styles } from './pre-chat-form.styles.js';

/**
 * The optional form shown before the first message of a conversation: labelled fields (name,
 * e-mail, phone or any the site names), required ones marked, checked with the browser's
 * constraint validation and explained in the visitor's language next to each field. Submitting
 * sends the details with `submitContact()`; the chat then shows the message box.
 *
 * @tag amoiq-pre-chat-form
 * @summary Pre-chat contact form of the chat panel.
 *
 * @csspart base - The form.
 * @csspart field - One label, input and error line.
 * @csspart submit-button - The submit button.
 */
export class AmoiqPreChatForm extends LitElement {
  static override styles = [sharedStyles, formStyles, styles];
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  /** The fields to ask for, in order. */
  @property({ attribute: false }) fields: readonly PreChatField[] = [];

  /** Values to start with (the identified user's name and e-mail). */
  @property({ attribute: false }) prefill: ContactDetails = {};

  @state() private errors = new Map<string, string>();
  @state() private busy = false;
  @state() private failure = '';
  /** A field's new error, said when focus is already on it (a focus that does not move is silent). */
  @state() private spoken = '';
  @queryAll('input') private inputs!: NodeListOf<HTMLInputElement>;

  private readonly chat = new ChatStateController(this);
  private readonly l10n = new LocaleConsumer(this);

  /** Moves focus to the first field. */
  override focus(options?: FocusOptions): void {
    this.inputs?.[0]?.focus(options);
  }

  override render() {
    const t = this.l10n.value.strings;
    return html`
      <form part="base" class="base" novalidate aria-labelledby="title" @submit=${this.handleSubmit}>
        <h3 id="title">${t.preChatTitle}</h3>
        <p class="intro">
          ${t.preChatIntro}
          ${
            this.fields.some((f) => f.required)
              ? html`<span aria-hidden="true">(<span class="mark">*</span> ${t.required})</span>`
              : nothing
          }
        </p>
        ${this.fields.map((f) => this.renderField(f))}
        ${this.failure ? html`<p class="error" role="alert">${this.failure}</p>` : nothing}
        <p class="visually-hidden" role="status">${this.spoken}</p>
        <button part="submit-button" class="submit" type="submit" aria-disabled=${this.busy ? 'true' : 'false'}>${t.preChatSubmit}</button>
      </form>
    `;
  }

  private renderField(field: PreChatField) {
    const t = this.l10n.value.strings;
    const id = `field-${field.name}`;
    const error = this.errors.get(field.name);
    const initial =
      field.name === 'name' ? this.prefill.name : field.name === 'email' ? this.prefill.email : this.prefill.fields?.[field.name];
    return html`<div part="field" class="field">
      <label for=${id}
        >${labelOf(field, t)}${field.required ? html`<span class="mark" aria-hidden="true">*</span>` : nothing}</label
      >
      <input
        id=${id}
        name=${field.name}
        type=${inputType(field)}
        autocomplete=${autocompleteOf(field)}
        maxlength=${field.name === 'email' ? 254 : field.name === 'name' ? 100 : 500}
        ?required=${field.required === true}
        .value=${initial ?? ''}
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${error ? `${id}-error` : nothing}
        @input=${() => this.clearError(field.name)}
      />
      ${error ? html`<p class="error" id="${id}-error">${error}</p>` : nothing}
    </div>`;
  }

  private clearError(name: string): void {
    if (!this.errors.has(name)) return;
    const errors = new Map(this.errors);
    errors.delete(name);
    this.errors = errors;
  }

  /** The error text for an input, from its validity state; empty when it is fine. */
  private errorOf(input: HTMLInputElement): string {
    const t = this.l10n.value.strings;
    const value = input.value.trim();
    if (input.required && !value) return t.fieldRequired;
    if (input.type === 'email' && value && (input.validity.typeMismatch || !isEmail(value))) return t.emailInvalid;
    return input.validity.valid ? '' : t.fieldRequired;
  }

  private async handleSubmit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    if (this.busy) return;
    const errors = new Map<string, string>();
    const values = new Map<string, string>();
    for (const input of this.inputs) {
      const error = this.errorOf(input);
      if (error) errors.set(input.name, error);
      values.set(input.name, input.value);
    }
    this.errors = errors;
    this.failure = '';
    if (errors.size) {
      await this.updateComplete;
      const first = [...this.inputs].find((i) => errors.has(i.name));
      // Focus that does not move is not announced again: say the field's new error instead.
      this.spoken = '';
      const field = this.fields.find((f) => f.name === first?.name);
      if (first && field && first === this.shadowRoot?.activeElement) {
        await this.updateComplete;
        this.spoken = `${labelOf(field, this.l10n.value.strings)}: ${errors.get(first.name)}`;
      }
      first?.focus();
      return;
    }
    const service = this.chat.service;
    if (!service) return;
    const contact = toContact(values);
    this.busy = true;
    try {
      // <amoiq-chat> fires amoiq-contact and shows the message box once stored.
      await service.submitContact(contact, 'pre-chat');
    } catch (err) {
      this.failure = this.l10n.value.strings.contactFailed;
      console.warn(`[amoiq-chat] Contact details were not saved: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
  }
}
