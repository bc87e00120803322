/**
 * English texts of voice (the voice panel, calls, voice messages, dictation, read-aloud): the
 * {@link VoiceStrings} every locale gives as `voice`, kept apart from en.ts so each file stays one
 * subject.
 */
import type { DictationProblem } from '../services/voice/dictation.js';
import type { VoiceProblem } from '../services/voice/errors.js';
import type { CallReason } from '../services/voice/wire.js';

/** Phases of a phone callback, as the voice panel names them. */
export type CallbackPhase = 'requested' | 'connecting' | 'ringing' | 'in_progress' | 'ended' | 'failed' | 'cancelled';
/** Phases of an in-browser call (the incoming one has its own text, {@link VoiceStrings.incoming}). */
export type WebrtcPhase = 'requested' | 'ringing' | 'connecting' | 'in_progress' | 'interrupted' | 'ended' | 'failed' | 'cancelled';

/**
 * Texts of voice. `errors` has one text per problem code the voice services report
 * (`VoiceProblem`, src/services/voice/errors.ts) plus the phone form's own checks; `reasons` one
 * per reason a call ends for (`CallReason`, src/services/voice/wire.ts).
 */
export interface VoiceStrings {
  /** Name of the voice panel (a region). */
  panel: string;
  menuTitle: string;
  /** Menu: start an in-browser call with the team, and its one-line explanation. */
  callTeam: string;
  callTeamHint: string;
  /** Menu: ask to be called on the phone, and its one-line explanation. */
  requestCallback: string;
  requestCallbackHint: string;
  /** Shown when the site offers no voice at all. */
  nothingOffered: string;
  backToChat: string;
  phoneTitle: string;
  country: string;
  phoneNumber: string;
  /** Under the number once it is valid: the number that will be called. */
  willCall: (number: string) => string;
  /** The consent the visitor ticks; sent to the server word for word. */
  consent: string;
  callMe: string;
  cancel: string;
  loading: string;
  callbackStates: Record<CallbackPhase, string>;
  webrtcStates: Record<WebrtcPhase, string>;
  /** An agent calls the visitor ("Ada is calling you"). */
  incoming: (name?: string) => string;
  /** A phone callback on its way to a number ("Calling +1••••••2671…"). */
  calling: (number: string) => string;
  /** Final status with the talk time ("Call ended, 3:12"). */
  endedAfter: (duration: string) => string;
  /** Name of the duration timer. */
  duration: string;
  reasons: Record<CallReason, string>;
  cancelCall: string;
  hangUp: string;
  /** The mute toggle (a pressed button while muted). */
  mute: string;
  /** Name of the microphone level meter. */
  micLevel: string;
  remoteMuted: string;
  accept: string;
  decline: string;
  /** Shown throughout a call of the server's simulation. */
  simulated: string;
  newCall: string;
  errors: Record<VoiceProblem | 'phone_required' | 'phone_invalid' | 'consent_missing', string>;
  /** Voice messages: the record button, the recording's controls and status. */
  record: string;
  recording: string;
  /** Recording time against the limit ("0:07 of 2:00"). */
  recordingTime: (elapsed: string, max: string) => string;
  recordingLimit: string;
  sendRecording: string;
  discardRecording: string;
  recordingDiscarded: string;
  /** The audio player of voice messages. */
  voiceMessage: string;
  play: string;
  pause: string;
  /** Name of the position slider. */
  position: string;
  /** The slider's spoken value ("0:12 of 1:03"). */
  positionOf: (position: string, duration: string) => string;
  dictate: string;
  stopDictation: string;
  listening: string;
  dictationErrors: Record<DictationProblem, string>;
  readAloud: string;
  stopReading: string;
}
// [/voice]

/** The English voice texts. */
export const enVoice: VoiceStrings = {
  panel: 'Voice',
  menuTitle: 'Talk to us',
  callTeam: 'Call the team from your browser',
  callTeamHint: 'Uses your microphone. Nothing to install.',
  requestCallback: 'Ask us to call your phone',
  requestCallbackHint: 'Leave your number and we will call you.',
  nothingOffered: 'Voice calls are not available right now.',
  backToChat: 'Back to chat',
  phoneTitle: 'We will call you',
  country: 'Country',
  phoneNumber: 'Phone number',
  willCall: (number) => `We will call ${number}.`,
  consent: 'I agree to receive a phone call from this site at this number about this conversation.',
  callMe: 'Call me',
  cancel: 'Cancel',
  loading: 'Loading…',
  callbackStates: {
    requested: 'Requesting your call…',
    connecting: 'Placing the call…',
    ringing: 'Your phone is ringing…',
    in_progress: 'On the phone',
    ended: 'Call ended',
    failed: 'The call did not go through',
    cancelled: 'Call cancelled',
  },
  webrtcStates: {
    requested: 'Waiting for your microphone…',
    ringing: 'Calling the team…',
    connecting: 'Connecting…',
    in_progress: 'Connected',
    interrupted: 'Connection lost, reconnecting…',
    ended: 'Call ended',
    failed: 'The call failed',
    cancelled: 'Call cancelled',
  },
  incoming: (name) => (name ? `${name} is calling you` : 'The team is calling you'),
  calling: (number) => `Calling ${number}…`,
  endedAfter: (duration) => `Call ended, ${duration}`,
  duration: 'Call duration',
  reasons: {
    busy: 'The line was busy.',
    no_answer: 'Nobody answered.',
    invalid_number: 'This number cannot be called.',
    provider_error: 'The phone service could not place the call.',
    rate_limited: 'The phone service is busy. Try again later.',
    timeout: 'The phone service did not respond.',
    cancelled_by_visitor: 'You cancelled the call.',
    completed: 'The call is over.',
    declined: 'The call was declined.',
    cancelled_by_agent: 'The team cancelled the call.',
    connection_failed: 'The connection failed.',
    microphone_unavailable: 'The microphone could not be used.',
  },
  cancelCall: 'Cancel call',
  hangUp: 'Hang up',
  mute: 'Mute microphone',
  micLevel: 'Microphone level',
  remoteMuted: 'The other person muted their microphone.',
  accept: 'Accept',
  decline: 'Decline',
  simulated: 'Simulated call — no real phone call is made.',
  newCall: 'New call',
  errors: {
    phone_required: 'Enter your phone number.',
    phone_invalid: 'Enter a valid phone number for the country chosen, or start it with + and the country code.',
    consent_missing: 'Tick the box to agree to the call.',
    consent_required: 'Tick the box to agree to the call.',
    invalid_number: 'This number cannot be called. Check it and try again.',
    voice_disabled: 'Phone calls are not offered on this site.',
    country_not_allowed: 'We cannot call numbers in this country.',
    outside_calling_hours: 'We only call during opening hours. Please try again later.',
    call_active: 'A call is already in progress.',
    rate_limited: 'Too many call requests. Please try again later.',
    provider_error: 'The call could not be placed. Please try again later.',
    provider_timeout: 'The phone service did not respond. Please try again.',
    permission_denied: 'Microphone access was refused. Allow the microphone for this site in your browser settings, then try again.',
    no_microphone: 'No microphone was found. Connect one and try again.',
    microphone_busy: 'Your microphone could not be opened. Close other apps that use it and try again.',
    connection_failed: 'The call could not connect. Check your network and try again.',
    unsupported: 'Your browser does not support this. Try an up-to-date browser.',
    network: 'No connection. Check your network and try again.',
    unknown: 'Something went wrong. Please try again.',
  },
  record: 'Record a voice message',
  recording: 'Recording',
  recordingTime: (elapsed, max) => `${elapsed} of ${max}`,
  recordingLimit: 'Maximum length reached.',
  sendRecording: 'Send voice message',
  discardRecording: 'Discard voice message',
  recordingDiscarded: 'Voice message discarded.',
  voiceMessage: 'Voice message',
  play: 'Play',
  pause: 'Pause',
  position: 'Position',
  positionOf: (position, duration) => `${position} of ${duration}`,
  dictate: 'Dictate',
  stopDictation: 'Stop dictation',
  listening: 'Listening…',
  dictationErrors: {
    permission_denied: 'Dictation needs the microphone. Allow it in your browser settings.',
    no_microphone: 'No microphone was found.',
    network: 'Dictation needs a network connection.',
    language: 'Dictation is not available in this language.',
    no_speech: 'Nothing was heard. Try again.',
    unknown: 'Dictation stopped. Try again.',
  },
  readAloud: 'Read aloud',
  stopReading: 'Stop reading',
};
