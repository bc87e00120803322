/**
 * Events of the voice components. They are the panel's intents: `<amoiq-chat>` (the owner)
 * acts on them with the voice services and sets the panel's properties from their state.
 *
 * Internal to the chat: they bubble but are not composed, so they stay inside `<amoiq-chat>`'s
 * shadow root (the agent console listens on the element itself).
 */

const init = { bubbles: true, composed: false } as const;

/** The visitor asked to call the team from the browser (WebRTC). */
export class AmoiqVoiceCallTeamEvent extends CustomEvent<Record<string, never>> {
  static readonly eventName = 'amoiq-voice-call-team';
  constructor() {
    super(AmoiqVoiceCallTeamEvent.eventName, { ...init, detail: {} });
  }
}

/** The visitor asked to be called back: a valid E.164 number and the consent wording they ticked. */
export class AmoiqVoiceCallbackEvent extends CustomEvent<{ phoneNumber: string; consentText: string; country?: string }> {
  static readonly eventName = 'amoiq-voice-callback';
  constructor(detail: { phoneNumber: string; consentText: string; country?: string }) {
    super(AmoiqVoiceCallbackEvent.eventName, { ...init, detail });
  }
}

/** The visitor cancelled the call, or hung up. */
export class AmoiqVoiceHangUpEvent extends CustomEvent<{ callId: string; kind: 'callback' | 'webrtc' }> {
  static readonly eventName = 'amoiq-voice-hang-up';
  constructor(detail: { callId: string; kind: 'callback' | 'webrtc' }) {
    super(AmoiqVoiceHangUpEvent.eventName, { ...init, detail });
  }
}

/** The visitor turned the microphone off (`muted: true`) or on during an in-browser call. */
export class AmoiqVoiceMuteEvent extends CustomEvent<{ callId: string; muted: boolean }> {
  static readonly eventName = 'amoiq-voice-mute';
  constructor(detail: { callId: string; muted: boolean }) {
    super(AmoiqVoiceMuteEvent.eventName, { ...init, detail });
  }
}

/** The visitor accepted (`accept: true`) or declined an incoming in-browser call. */
export class AmoiqVoiceAnswerEvent extends CustomEvent<{ callId: string; accept: boolean }> {
  static readonly eventName = 'amoiq-voice-answer';
  constructor(detail: { callId: string; accept: boolean }) {
    super(AmoiqVoiceAnswerEvent.eventName, { ...init, detail });
  }
}

/** The visitor wants the chat back (the call, if any, goes on). */
export class AmoiqVoiceBackEvent extends CustomEvent<Record<string, never>> {
  static readonly eventName = 'amoiq-voice-back';
  constructor() {
    super(AmoiqVoiceBackEvent.eventName, { ...init, detail: {} });
  }
}

/** `<amoiq-phone-form>`: the visitor left the form (Cancel or Escape). */
export class AmoiqPhoneFormCancelEvent extends CustomEvent<Record<string, never>> {
  static readonly eventName = 'amoiq-phone-form-cancel';
  constructor() {
    super(AmoiqPhoneFormCancelEvent.eventName, { ...init, detail: {} });
  }
}

/** `<amoiq-voice-recorder>`: a voice message is ready to upload (the chat's usual attachment path). */
export class AmoiqVoiceNoteEvent extends CustomEvent<{ file: File; durationMs: number }> {
  static readonly eventName = 'amoiq-voice-note';
  constructor(detail: { file: File; durationMs: number }) {
    super(AmoiqVoiceNoteEvent.eventName, { ...init, detail });
  }
}

declare global {
  interface HTMLElementEventMap {
    'amoiq-voice-call-team': AmoiqVoiceCallTeamEvent;
    'amoiq-voice-callback': AmoiqVoiceCallbackEvent;
    'amoiq-voice-hang-up': AmoiqVoiceHangUpEvent;
    'amoiq-voice-mute': AmoiqVoiceMuteEvent;
    'amoiq-voice-answer': AmoiqVoiceAnswerEvent;
    'amoiq-voice-back': AmoiqVoiceBackEvent;
    'amoiq-phone-form-cancel': AmoiqPhoneFormCancelEvent;
    'amoiq-voice-note': AmoiqVoiceNoteEvent;
  }
}
