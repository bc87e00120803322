import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { VoiceStrings } from '../../i18n/en.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import type { VoiceProblem } from '../../services/voice/errors.js';
import { formatDuration, isFinalPhase, type VoiceCallView } from '../../services/voice/view.js';
import { sharedStyles } from '../../styles/shared.js';
import { styleProps } from '../../styles/style-props.js';
import {
  AmoiqPhoneFormCancelEvent,
  AmoiqVoiceAnswerEvent,
  AmoiqVoiceBackEvent,
  AmoiqVoiceCallTeamEvent,
  AmoiqVoiceCallbackEvent,
  AmoiqVoiceHangUpEvent,
  AmoiqVoiceMuteEvent,
} from './events.js';
import { browserCallIcon, hangUpIcon, micOffIcon, phoneIcon } from './icons.js';
import { AmoiqPhoneForm } from './phone-form.js';
import { styles } from './voice-panel.styles.js';
import { voiceStyles } from './voice.styles.js';

/**
 * The voice panel of the chat: a menu (call the team in the browser, ask for a phone callback —
 * each only when the site offers it), the callback form (`<amoiq-phone-form>`), and the call
 * view (state, duration, cancel or hang up, mute, microphone level, the simulation note).
 *
 * The panel is a view: it shows the call its owner gives it (`call`, built with `callbackView()`
 * or `rtcView()` from the voice services) and reports what the visitor wants with events. Each
 * change of the call's state is announced once, in the panel's one polite live region, together
 * with the reason a call ended and any problem (refused microphone, no microphone, failed
 * connection, the server's refusal of a callback).
 *
 * @tag amoiq-voice-panel
 * @summary Voice calls: phone callback and in-browser calls with the team.
 *
 * @slot - Content shown under the panel.
 *
 * @fires {AmoiqVoiceCallTeamEvent} amoiq-voice-call-team - Call the team from the browser.
 * @fires {AmoiqVoiceCallbackEvent} amoiq-voice-callback - Call me back: `phoneNumber` (E.164), `consentText`.
 * @fires {AmoiqVoiceHangUpEvent} amoiq-voice-hang-up - Cancel or hang up the call `callId`.
 * @fires {AmoiqVoiceMuteEvent} amoiq-voice-mute - Microphone off (`muted: true`) or on.
 * @fires {AmoiqVoiceAnswerEvent} amoiq-voice-answer - Accept (`accept: true`) or decline an incoming call.
 * @fires {AmoiqVoiceBackEvent} amoiq-voice-back - Back to chat (a call goes on).
 *
 * @csspart base - The panel.
 * @csspart menu - The menu.
 * @csspart menu-item - One choice of the menu.
 * @csspart phone-form - The callback form.
 * @csspart call - The call view.
 * @csspart call-state - The call's state line.
 * @csspart duration - The duration timer.
 * @csspart simulated-note - The note that the call is simulated.
 * @csspart level-meter - The microphone level meter.
 * @csspart mute-button - The mute toggle.
 * @csspart hang-up-button - Cancel call / hang up.
 * @csspart back-button - Back to chat.
 */
export class AmoiqVoicePanel extends LitElement {
  static override styles = [sharedStyles, voiceStyles, styles];
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  /** The site offers phone callbacks (`config.voice.callback`). */
  @property({ type: Boolean }) callback = false;

  /** The site offers in-browser calls with the team (`config.voice.webrtc`). */
  @property({ type: Boolean }) webrtc = false;

  /** The call to show, or null for the menu. */
  @property({ attribute: false }) call: VoiceCallView | null = null;

  /** The microphone level during an in-browser call, 0..1. */
  @property({ type: Number }) level = 0;

  /** Why the last callback request failed (a `strings.voice.errors` code), shown in the form; empty for none. */
  @property({ attribute: 'callback-error' }) callbackError: VoiceProblem | '' = '';

  /** A callback request is on its way. */
  @property({ type: Boolean }) pending = false;

  /** The site's consent wording for callbacks; the locale's when empty. */
  @property({ attribute: 'consent-text' }) consentText = '';

  /** The country the callback form starts with (ISO 3166-1 alpha-2); else from the language. */
  @property() country = '';

  @state() private view: 'menu' | 'phone' = 'menu';
  @state() private announcement = '';
  /** A final call the visitor left with New call: the menu shows instead. */
  @state() private dismissed = '';

  private readonly l10n = new LocaleConsumer(this);
  private announced = '';
  private ticker: ReturnType<typeof setInterval> | undefined;
  private hadFocus = false;
  private screen = '';

  /** Shows the menu (the call view still wins while there is a call). */
  showMenu(): void {
    this.view = 'menu';
  }

  /** Shows the callback form. */
  showPhoneForm(): void {
    this.view = 'phone';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The form is part of this element; it must work however the panel itself was registered.
    if (!customElements.get('amoiq-phone-form')) customElements.define('amoiq-phone-form', AmoiqPhoneForm);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopTicker();
  }

  /** The call being shown, if any. */
  private get shownCall(): VoiceCallView | null {
    return this.call && this.call.id !== this.dismissed ? this.call : null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.hadFocus = this.matches(':focus-within');
    const t = this.l10n.value.strings.voice;
    const call = this.shownCall;
    if (changed.has('call') && call) {
      const key = `${call.id}:${call.phase}:${call.remoteMuted ? 1 : 0}`;
      if (key !== this.announced) {
        const first = !this.announced.startsWith(`${call.id}:`);
        const phaseChanged = !this.announced.startsWith(`${call.id}:${call.phase}:`);
        const parts = phaseChanged ? [this.stateText(call, t), this.detailText(call, t)] : [call.remoteMuted ? t.remoteMuted : ''];
        if (first && call.simulated) parts.push(t.simulated);
        this.announcement = parts.filter(Boolean).join(' ');
        this.announced = key;
      }
    }
    if (changed.has('callbackError') && this.callbackError) this.announcement = t.errors[this.callbackError];
  }

  override render() {
    const call = this.shownCall;
    return html`<section part="base" class="base" aria-label=${this.l10n.value.strings.voice.panel}>
      <p class="visually-hidden" role="status" aria-live="polite">${this.announcement}</p>
      ${call ? this.renderCall(call) : this.view === 'phone' && this.callback ? this.renderPhone() : this.renderMenu()}
      <slot></slot>
    </section>`;
  }

  private renderMenu() {
    const t = this.l10n.value.strings.voice;
    return html`<div part="menu" class="menu">
      <h3>${t.menuTitle}</h3>
      ${
        this.webrtc
          ? html`<button type="button" part="menu-item" class="menu-item call-team" @click=${this.handleCallTeam}>
            ${browserCallIcon}<span><span class="label">${t.callTeam}</span> <span class="hint">${t.callTeamHint}</span></span>
          </button>`
          : nothing
      }
      ${
        this.callback
          ? html`<button type="button" part="menu-item" class="menu-item request-callback" @click=${this.showPhoneForm}>
            ${phoneIcon}<span><span class="label">${t.requestCallback}</span> <span class="hint">${t.requestCallbackHint}</span></span>
          </button>`
          : nothing
      }
      ${this.webrtc || this.callback ? nothing : html`<p class="note">${t.nothingOffered}</p>`}
      ${this.renderBack()}
    </div>`;
  }

  private renderPhone() {
    return html`<amoiq-phone-form
        part="phone-form"
        exportparts="country, phone-input, consent, submit-button, cancel-button"
        .consentText=${this.consentText}
        .country=${this.country}
        .error=${this.callbackError}
        ?pending=${this.pending}
        @amoiq-voice-callback=${this.handleCallback}
        @amoiq-phone-form-cancel=${this.handleFormCancel}
      ></amoiq-phone-form>
      ${this.renderBack()}`;
  }

  private renderCall(call: VoiceCallView) {
    const t = this.l10n.value.strings.voice;
    const final = isFinalPhase(call.phase);
    const detail = this.detailText(call, t);
    const seconds = final
      ? call.durationSeconds
      : call.answeredAt !== undefined
        ? Math.max(0, Math.floor((Date.now() - call.answeredAt) / 1000))
        : undefined;
    const showLevel = call.kind === 'webrtc' && !final && call.phase !== 'incoming' && call.phase !== 'requested';
    return html`<div part="call" class="call">
      <p part="call-state" class="state">${this.stateText(call, t)}</p>
      ${detail ? html`<p class="detail">${detail}</p>` : nothing}
      ${call.simulated ? html`<p part="simulated-note" class="simulated">${t.simulated}</p>` : nothing}
      ${
        seconds !== undefined && !(final && call.phase !== 'ended')
          ? html`<p class="duration"><span class="visually-hidden">${t.duration}</span> <span part="duration" class="time">${formatDuration(seconds, this.l10n.value.locale)}</span></p>`
          : nothing
      }
      ${call.kind === 'webrtc' && call.phase === 'in_progress' && call.remoteMuted ? html`<p class="note">${t.remoteMuted}</p>` : nothing}
      ${
        showLevel
          ? html`<div part="level-meter" class="meter" role="meter" aria-label=${t.micLevel} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.round((call.muted ? 0 : this.level) * 100)}>
            <div class="meter-fill" style=${styleProps({ '--level': String(call.muted ? 0 : Math.min(1, Math.max(0, this.level))) })}></div>
          </div>`
          : nothing
      }
      <div class="controls">${this.renderControls(call, t)}</div>
      ${this.renderBack()}
    </div>`;
  }

  private renderControls(call: VoiceCallView, t: VoiceStrings) {
    if (isFinalPhase(call.phase)) {
      return this.webrtc || this.callback
        ? html`<button type="button" class="button primary new-call" @click=${this.handleNewCall}>${t.newCall}</button>`
        : nothing;
    }
    if (call.phase === 'incoming') {
      return html`<button type="button" class="button primary accept" @click=${() => this.answer(call, true)}>${phoneIcon}${t.accept}</button>
        <button type="button" class="button danger decline" @click=${() => this.answer(call, false)}>${hangUpIcon}${t.decline}</button>`;
    }
    const answered = call.phase === 'in_progress' || call.phase === 'interrupted';
    return html`${
      call.kind === 'webrtc'
        ? html`<button type="button" part="mute-button" class="button mute" aria-pressed=${call.muted ? 'true' : 'false'} @click=${() => this.dispatchEvent(new AmoiqVoiceMuteEvent({ callId: call.id, muted: !call.muted }))}>
            ${micOffIcon}${t.mute}
          </button>`
        : nothing
    }
      <button type="button" part="hang-up-button" class="button danger hang-up" @click=${() => this.dispatchEvent(new AmoiqVoiceHangUpEvent({ callId: call.id, kind: call.kind }))}>
        ${hangUpIcon}${answered ? t.hangUp : t.cancelCall}
      </button>`;
  }

  private renderBack() {
    return html`<button type="button" part="back-button" class="button back" @click=${this.handleBack}>${this.l10n.value.strings.voice.backToChat}</button>`;
  }

  /** The call's state line, e.g. "Your phone is ringing…", "Call ended, 3:12". */
  private stateText(call: VoiceCallView, t: VoiceStrings): string {
    const locale = this.l10n.value.locale;
    if (call.phase === 'ended' && (call.durationSeconds ?? 0) > 0) return t.endedAfter(formatDuration(call.durationSeconds!, locale));
    if (call.kind === 'callback') {
      if (call.phase === 'requested' && call.to) return t.calling(call.to);
      return call.phase === 'incoming' || call.phase === 'interrupted' ? t.callbackStates.in_progress : t.callbackStates[call.phase];
    }
    return call.phase === 'incoming' ? t.incoming(call.peerName) : t.webrtcStates[call.phase];
  }

  /** Why a final call ended, or the problem that stopped it; empty otherwise. */
  private detailText(call: VoiceCallView, t: VoiceStrings): string {
    if (!isFinalPhase(call.phase)) return '';
    if (call.problem) return t.errors[call.problem];
    return call.reason && call.reason !== 'completed' ? t.reasons[call.reason] : '';
  }

  protected override updated(): void {
    const call = this.shownCall;
    const ticking = call && !isFinalPhase(call.phase) && call.answeredAt !== undefined;
    if (ticking && !this.ticker) this.ticker = setInterval(() => this.requestUpdate(), 1000);
    if (!ticking) this.stopTicker();
    // Focus was on a control this update removed (the menu item that started a call, the hang-up
    // button of a call that ended): give it to the new screen's first control instead of the page.
    const screen = call
      ? `call:${call.id}:${isFinalPhase(call.phase) ? 'final' : call.phase === 'incoming' ? 'incoming' : 'active'}`
      : this.view;
    if (screen !== this.screen) {
      this.screen = screen;
      if (this.hadFocus && !this.matches(':focus-within')) this.focus();
    }
  }

  /** Moves focus to the first control of what the panel shows. */
  override focus(options?: FocusOptions): void {
    const form = this.renderRoot.querySelector<HTMLElement>('amoiq-phone-form');
    if (form) form.focus(options);
    else this.renderRoot.querySelector<HTMLElement>('.controls button, .menu button, button')?.focus(options);
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private answer(call: VoiceCallView, accept: boolean): void {
    this.dispatchEvent(new AmoiqVoiceAnswerEvent({ callId: call.id, accept }));
  }

  private handleCallTeam(): void {
    this.dispatchEvent(new AmoiqVoiceCallTeamEvent());
  }

  private handleCallback(e: AmoiqVoiceCallbackEvent): void {
    e.stopPropagation();
    this.dispatchEvent(new AmoiqVoiceCallbackEvent(e.detail));
  }

  private handleFormCancel(e: AmoiqPhoneFormCancelEvent): void {
    e.stopPropagation();
    this.view = 'menu';
    void this.updateComplete.then(() => this.focus());
  }

  private handleNewCall(): void {
    this.dismissed = this.call?.id ?? '';
    this.view = 'menu';
  }

  private handleBack(): void {
    if (this.call && isFinalPhase(this.call.phase)) this.dismissed = this.call.id;
    this.view = 'menu';
    this.dispatchEvent(new AmoiqVoiceBackEvent());
  }
}
