import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { LocaleConsumer, requestedLang } from '../../i18n/localize.js';
import type { VoiceProblem } from '../../services/voice/errors.js';
import { sharedStyles } from '../../styles/shared.js';
import { chatBorderColor, chatMutedColor } from '../../styles/tokens.js';
import { formStyles } from '../pre-chat-form/form.styles.js';
import { AmoiqPhoneFormCancelEvent, AmoiqVoiceCallbackEvent } from './events.js';
import {
  checkPhone,
  countryOptions,
  defaultCountry,
  loadPhoneLib,
  type CountryCode,
  type CountryOption,
  type PhoneLib,
} from './phone-number.js';
import { voiceStyles } from './voice.styles.js';

type FieldError = 'phone_required' | 'phone_invalid' | 'consent_missing';

/**
 * The phone-callback form: country (from the widget's language or the browser, changeable), phone
 * number (checked and shown in international format with libphonenumber-js, which this form
 * loads when it first connects), the consent checkbox with the consent wording, and Call me.
 * Problems are shown next to their field and focus moves to the first one; a refusal from the
 * server (`error`) is shown above the buttons.
 *
 * @tag amoiq-phone-form
 * @summary Phone number and consent for a phone callback.
 *
 * @fires {AmoiqVoiceCallbackEvent} amoiq-voice-callback - A valid E.164 number and the consent wording.
 * @fires {AmoiqPhoneFormCancelEvent} amoiq-phone-form-cancel - Cancel or Escape.
 *
 * @csspart base - The form.
 * @csspart country - The country select.
 * @csspart phone-input - The number field.
 * @csspart consent - The consent checkbox and its text.
 * @csspart submit-button - Call me.
 * @csspart cancel-button - Cancel.
 */
export class AmoiqPhoneForm extends LitElement {
  static override styles = [
    sharedStyles,
    formStyles,
    voiceStyles,
    css`
      :host {
        display: block;
      }
      .base {
        display: grid;
        gap: 0.75rem;
      }
      h3 {
        margin: 0;
        font-size: 1rem;
      }
      select {
        display: block;
        inline-size: 100%;
        min-block-size: 2.5rem;
        padding-inline: 0.5rem;
        font: inherit;
        font-size: max(16px, 1rem);
        color: inherit;
        background: transparent;
        border: 1px solid ${chatBorderColor};
        border-radius: 0.5rem;
      }
      select option {
        color: CanvasText;
        background: Canvas;
      }
      .consent {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 0.5rem;
        align-items: start;
      }
      .consent input {
        inline-size: 1.25rem;
        block-size: 1.25rem;
        min-block-size: 0;
        margin: 0.125rem 0 0;
      }
      .consent label {
        font-weight: 400;
        margin: 0;
      }
      .consent .error {
        grid-column: 2;
      }
      .hint {
        margin-block: 0.25rem 0;
        font-size: 0.8125rem;
        color: ${chatMutedColor};
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        justify-content: flex-end;
        gap: 0.5rem;
      }
    `,
  ];
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  /** The site's consent wording; the locale's when empty. Sent to the server word for word. */
  @property({ attribute: 'consent-text' }) consentText = '';

  /** The country to start with (ISO 3166-1 alpha-2); else from the language or the browser. */
  @property() country = '';

  /** A refusal from the server to show (a code of `strings.voice.errors`); empty for none. */
  @property() error: VoiceProblem | '' = '';

  /** A request is on its way: Call me does nothing meanwhile. */
  @property({ type: Boolean }) pending = false;

  @state() private lib: PhoneLib | null = null;
  @state() private loadFailed = false;
  @state() private selected: CountryCode | '' = '';
  @state() private options: CountryOption[] = [];
  @state() private confirmed = '';
  @state() private errors: Partial<Record<'phone' | 'consent', FieldError>> = {};
  @query('#phone') private phoneInput!: HTMLInputElement;
  @query('#consent') private consentInput!: HTMLInputElement;
  @query('#country') private countrySelect!: HTMLSelectElement;

  private readonly l10n = new LocaleConsumer(this);
  private optionsLocale = '';

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  /** Resolves once libphonenumber-js is loaded and the countries are listed (tests, the owner's focus). */
  async ready(): Promise<void> {
    await this.load();
    await this.updateComplete;
  }

  /** Moves focus to the number field. */
  override focus(options?: FocusOptions): void {
    void this.updateComplete.then(() => this.phoneInput?.focus(options));
  }

  private async load(): Promise<void> {
    if (this.lib) return;
    try {
      const lib = await loadPhoneLib();
      this.lib = lib;
      this.loadFailed = false;
      this.selected ||= defaultCountry(lib, requestedLang(this), navigator.languages, this.country);
    } catch (error) {
      this.loadFailed = true;
      console.warn('[amoiq-chat] voice: the phone number library did not load:', error);
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const locale = this.l10n.value.locale;
    if (this.lib && locale !== this.optionsLocale) {
      this.options = countryOptions(this.lib, locale);
      this.optionsLocale = locale;
    }
    if (changed.has('country') && this.lib && this.country)
      this.selected = defaultCountry(this.lib, requestedLang(this), navigator.languages, this.country);
  }

  override render() {
    const t = this.l10n.value.strings.voice;
    const { phone, consent } = this.errors;
    const server = this.error || (this.loadFailed ? 'network' : '');
    return html`<form part="base" class="base" novalidate aria-labelledby="title" @submit=${this.handleSubmit} @keydown=${this.handleKeydown}>
      <h3 id="title">${t.phoneTitle}</h3>
      <div>
        <label for="country">${t.country}</label>
        <select id="country" part="country" autocomplete="tel-country-code" ?disabled=${!this.lib} @change=${this.handleCountry}>
          ${
            this.lib
              ? this.options.map((o) => html`<option value=${o.code} ?selected=${o.code === this.selected}>${o.label}</option>`)
              : html`<option value="">${t.loading}</option>`
          }
        </select>
      </div>
      <div>
        <label for="phone">${t.phoneNumber}</label>
        <input
          id="phone"
          part="phone-input"
          type="tel"
          inputmode="tel"
          autocomplete="tel"
          dir="ltr"
          maxlength="32"
          aria-invalid=${phone ? 'true' : 'false'}
          aria-describedby=${phone ? 'phone-error' : this.confirmed ? 'phone-hint' : nothing}
          @input=${this.handleInput}
          @blur=${this.handleBlur}
        />
        ${phone ? html`<p class="error" id="phone-error">${t.errors[phone]}</p>` : nothing}
        ${!phone && this.confirmed ? html`<p class="hint" id="phone-hint">${t.willCall(this.confirmed)}</p>` : nothing}
      </div>
      <div class="consent" part="consent">
        <input
          id="consent"
          type="checkbox"
          aria-invalid=${consent ? 'true' : 'false'}
          aria-describedby=${consent ? 'consent-error' : nothing}
          @change=${() => this.clear('consent')}
        />
        <label for="consent">${this.consentWording}</label>
        ${consent ? html`<p class="error" id="consent-error">${t.errors[consent]}</p>` : nothing}
      </div>
      ${server ? html`<p class="error" part="error">${t.errors[server]}</p>` : nothing}
      <div class="actions">
        <button type="button" part="cancel-button" class="button" @click=${this.handleCancel}>${t.cancel}</button>
        <button type="submit" part="submit-button" class="button primary" aria-disabled=${this.pending ? 'true' : 'false'}>${t.callMe}</button>
      </div>
    </form>`;
  }

  /** The consent text shown and sent. */
  get consentWording(): string {
    return this.consentText || this.l10n.value.strings.voice.consent;
  }

  private clear(field: 'phone' | 'consent'): void {
    if (!this.errors[field]) return;
    const errors = { ...this.errors };
    delete errors[field];
    this.errors = errors;
  }

  private handleCountry(): void {
    this.selected = this.countrySelect.value as CountryCode;
    this.refreshConfirmation(false);
  }

  private handleInput(): void {
    this.clear('phone');
    this.refreshConfirmation(true);
  }

  /** Leaving the field shows the number as it will be dialled. */
  private handleBlur(): void {
    if (!this.lib) return;
    const check = checkPhone(this.lib, this.phoneInput.value, this.selected || undefined);
    if (check.ok) this.phoneInput.value = check.international;
  }

  /**
   * Shows the number as it will be dialled once it is valid. While typing (`pickCountry`), a
   * number with its country code picks that country; a country the visitor chose is not undone.
   */
  private refreshConfirmation(pickCountry: boolean): void {
    if (!this.lib) return;
    const check = checkPhone(this.lib, this.phoneInput.value, this.selected || undefined);
    this.confirmed = check.ok ? check.international : '';
    if (pickCountry && check.ok && check.country && /^(\+|00)/.test(this.phoneInput.value.trim())) this.selected = check.country;
  }

  private handleKeydown(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      this.handleCancel();
    }
  }

  private handleCancel(): void {
    this.dispatchEvent(new AmoiqPhoneFormCancelEvent());
  }

  private async handleSubmit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    if (this.pending) return;
    await this.load();
    if (!this.lib) return;
    const check = checkPhone(this.lib, this.phoneInput.value, this.selected || undefined);
    const errors: AmoiqPhoneForm['errors'] = {};
    if (!check.ok) errors.phone = check.code;
    if (!this.consentInput.checked) errors.consent = 'consent_missing';
    this.errors = errors;
    if (!check.ok || errors.consent) {
      await this.updateComplete;
      (errors.phone ? this.phoneInput : this.consentInput).focus();
      return;
    }
    this.phoneInput.value = check.international;
    this.confirmed = check.international;
    this.dispatchEvent(
      new AmoiqVoiceCallbackEvent({
        phoneNumber: check.e164,
        consentText: this.consentWording,
        ...(check.country ? { country: check.country } : {}),
      }),
    );
  }
}
