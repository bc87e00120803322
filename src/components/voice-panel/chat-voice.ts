/**
 * The voice panel inside `<amoiq-chat>` (a lazy chunk, with the voice elements): it keeps one
 * `<amoiq-voice-panel>` in step with the conversation's phone callback. The chat routes the
 * server's `call` and `mode` frames (WebSocket or long poll) to the service's `voice` events; this
 * checks them (services/voice/wire.ts), feeds them to a {@link CallbackClient}, shows its state,
 * and turns the panel's events into requests: call me back, cancel or hang up, back to chat.
 */
import type { ChatService } from '../../services/chat-service.js';
import { CallbackClient, type CallbackError, type CallbackState } from '../../services/voice/callback.js';
import { callbackView } from '../../services/voice/view.js';
import { decodeVoiceConfig, decodeVoiceFrame, type VoiceConfig } from '../../services/voice/wire.js';
import { defineVoice } from './lazy.js';
import type { AmoiqVoicePanel } from './voice-panel.js';

export class ChatVoice {
  /** The panel the chat renders while voice is open. */
  readonly element: AmoiqVoicePanel;
  readonly callback: CallbackClient;
  private readonly stops: Array<() => void> = [];

  constructor(
    readonly service: ChatService,
    /** The visitor wants the chat back. */
    private readonly back: () => void,
    /** A voice request failed in a way the page's developer should know (console). */
    warn: (text: string) => void,
  ) {
    defineVoice();
    this.callback = new CallbackClient({
      transport: { post: (path, body) => service.voicePost(path, body) },
      conversationId: () => service.state.conversationId ?? '',
    });
    const panel = (this.element = document.createElement('amoiq-voice-panel'));
    panel.setAttribute('part', 'voice-panel');
    panel.addEventListener('amoiq-voice-callback', (e) => {
      // A refusal the visitor can act on is shown in the panel; only the unexpected ones are logged.
      this.callback
        .request(e.detail)
        .catch((err: CallbackError) => err.code === 'unknown' && warn(`voice callback failed: ${err.message}`));
    });
    panel.addEventListener('amoiq-voice-hang-up', () => {
      this.callback.cancel().catch((err: unknown) => warn(`voice cancel failed: ${(err as Error).message}`));
    });
    panel.addEventListener('amoiq-voice-back', () => {
      this.callback.dismiss();
      this.back();
    });
    // What the server said before this chunk loaded, then everything new.
    const seen = service.voice;
    if (seen.call) this.apply({ type: 'call', call: seen.call });
    this.apply({ type: 'mode', mode: seen.mode });
    this.stops.push(service.onEvent((e) => e.type === 'voice' && this.apply(e.frame)));
    this.stops.push(this.callback.subscribe((state) => this.show(state)));
    this.show(this.callback.state);
  }

  /** What the site offers, from the session's `config.voice`. */
  get config(): VoiceConfig {
    return decodeVoiceConfig(this.service.state.remoteConfig.voice);
  }

  /** Forgets the service (it stopped, or the chat moved to another one). */
  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.callback.stop();
  }

  private apply(frame: unknown): void {
    const decoded = decodeVoiceFrame(frame);
    if (decoded.ok) this.callback.apply(decoded.value);
  }

  private show(state: CallbackState): void {
    const panel = this.element;
    const config = this.config;
    panel.callback = config.callback;
    // In-browser calls need their own signaling; until then the panel offers callbacks only.
    panel.webrtc = false;
    panel.call = state.call ? callbackView(state.call) : null;
    panel.pending = state.pending;
    panel.callbackError = state.error?.code ?? '';
  }
}
