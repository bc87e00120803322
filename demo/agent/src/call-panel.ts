import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { AgentCalls, AgentCallView } from './call-manager.js';

const STATE_TEXT: Record<string, string> = {
  idle: 'Opening the microphone…',
  ringing: 'Calling the visitor…',
  connecting: 'Connecting…',
  connected: 'In call',
};

const REASON_TEXT: Record<string, string> = {
  completed: 'Call ended',
  declined: 'The visitor declined the call',
  no_answer: 'No answer',
  cancelled_by_visitor: 'The visitor cancelled the call',
  cancelled_by_agent: 'Call cancelled',
  connection_failed: 'The connection failed',
  microphone_unavailable: 'The microphone could not be used',
};

const PROBLEM_TEXT: Record<string, string> = {
  permission_denied: 'Microphone access was refused: allow the microphone for this site in the browser, then try again.',
  no_microphone: 'No microphone was found.',
  microphone_busy: 'The microphone could not be opened (another app may be using it).',
  connection_failed: 'The call could not connect.',
  unsupported: 'This browser cannot make calls.',
};

const duration = (s: number) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;

/**
 * The call controls of one conversation in the agent console: "Call visitor", an incoming call
 * (Accept / Decline), and the call itself (state, duration, microphone level, Mute, Hang up), with
 * the reason a call ended. State changes are announced once (polite live region). Defined as
 * `<amoiq-agent-call>` by main.ts.
 */
export class AmoiqAgentCall extends LitElement {
  static override styles = css`
    :host { display: inline-flex; align-items: center; gap: 0.5rem; flex-wrap: wrap; }
    button { font: inherit; padding: 0.3rem 0.7rem; border-radius: 0.4rem; border: 1px solid #888; background: #fff; color: #111; cursor: pointer; }
    button.danger { background: #b3261e; color: #fff; border-color: #b3261e; }
    button.primary { background: #0b57d0; color: #fff; border-color: #0b57d0; }
    button[aria-pressed='true'] { background: #333; color: #fff; }
    .meter { inline-size: 4rem; block-size: 0.4rem; background: #ddd; border-radius: 0.2rem; overflow: hidden; }
    .meter > div { block-size: 100%; background: #188038; }
    .problem { color: #b3261e; }
    .visually-hidden { position: absolute; inline-size: 1px; block-size: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  `;

  @property({ attribute: false }) calls?: AgentCalls;
  @property({ attribute: false }) conversationId = '';
  @state() private tick = 0;
  private stop?: () => void;
  private timer?: ReturnType<typeof setInterval>;
  private announced = '';
  private announcement = '';

  override connectedCallback(): void {
    super.connectedCallback();
    this.timer = setInterval(() => this.view()?.snapshot.state === 'connected' && this.tick++, 250);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop?.();
    this.stop = undefined;
    clearInterval(this.timer);
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('calls')) {
      this.stop?.();
      this.stop = this.calls?.subscribe(() => this.requestUpdate());
    }
    const view = this.view();
    const text = view ? this.stateText(view) : '';
    const key = view ? `${view.snapshot.callId}:${view.snapshot.state}:${view.snapshot.remoteMuted}` : '';
    if (key !== this.announced) {
      this.announced = key;
      this.announcement = text;
    }
  }

  private view(): AgentCallView | null {
    return this.calls?.viewFor(this.conversationId) ?? null;
  }

  private stateText(view: AgentCallView): string {
    const s = view.snapshot;
    if (s.state === 'ringing' && s.role === 'callee') return 'The visitor is calling';
    if (s.state === 'ended' || s.state === 'failed') {
      const reason = (s.reason && REASON_TEXT[s.reason]) || 'Call ended';
      return s.connectedAt !== undefined ? `${reason}, ${duration(view.durationSeconds)}` : reason;
    }
    if (s.state === 'connected' && s.interrupted) return 'Connection lost, reconnecting…';
    if (s.state === 'connected' && s.remoteMuted) return 'In call (the visitor muted their microphone)';
    return STATE_TEXT[s.state] ?? s.state;
  }

  override render() {
    const calls = this.calls;
    if (!calls) return nothing;
    const view = this.view();
    const s = view?.snapshot;
    const live = s && s.state !== 'ended' && s.state !== 'failed';
    const busy = calls.active && calls.active.state !== 'ended' && calls.active.state !== 'failed' && !view;
    return html`<span class="visually-hidden" role="status">${this.announcement}</span>
      ${view ? html`<span class="call-state">${this.stateText(view)}</span>` : nothing}
      ${s?.state === 'connected' ? html`<span class="duration" aria-label="Call duration">${duration(view!.durationSeconds)}</span>` : nothing}
      ${s?.state === 'failed' && s.problem ? html`<span class="problem" role="alert">${PROBLEM_TEXT[s.problem] ?? ''}</span>` : nothing}
      ${
        s?.state === 'connected'
          ? html`<span class="meter" role="meter" aria-label="Microphone level" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.round(calls.active!.inputLevel() * 100)}
              ><div style="inline-size: ${Math.round(calls.active!.inputLevel() * 100)}%"></div
            ></span>`
          : nothing
      }
      ${
        s?.state === 'ringing' && s.role === 'callee'
          ? html`<button class="primary accept" type="button" @click=${() => calls.active?.accept().catch(() => undefined)}>Accept call</button>
              <button class="danger decline" type="button" @click=${() => calls.active?.decline()}>Decline</button>`
          : live
            ? html`<button class="mute" type="button" aria-pressed=${s.muted ? 'true' : 'false'} @click=${() => void calls.active?.setMuted(!s.muted)}>Mute</button>
                <button class="danger hang-up" type="button" @click=${() => calls.active?.hangUp()}>Hang up</button>`
            : html`<button class="call" type="button" ?disabled=${!!busy} @click=${() => calls.callVisitor(this.conversationId).catch(() => undefined)}>
                Call visitor
              </button>`
      }`;
  }
}
