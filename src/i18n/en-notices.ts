/**
 * English texts of the conversation's system notices that the widget renders from their fields
 * (docs/protocol.md: `event`, `handoff`, `call`) instead of the server's English `text`: the
 * handoff (escalated, assigned, transferred, returned) and the calls. Every locale has its own
 * object of this shape (`es-notices.ts`, …), reached as `strings.assistantUi.notices`.
 */

/** Why the assistant handed the conversation over (the server's `handoff.reason` codes). */
export type HandoffReasonCode = 'requested' | 'low_confidence' | 'unhelpful' | 'provider_error';

/** Why a call failed (the server's `call.reason` codes). */
export type CallFailReason = 'busy' | 'no_answer' | 'invalid_number' | 'rate_limited' | 'timeout' | 'declined';

/** System notice texts, in one language. */
export interface NoticeStrings {
  /** The visitor asked for a person; `reason` is theirs (as given) when there is one. */
  escalatedByVisitor: (reason?: string) => string;
  /** The assistant handed over; `why` is the localized reason when its code is known. */
  escalatedByAssistant: (why?: string) => string;
  /** An agent put the conversation in the queue; `reason` as given. */
  escalatedByAgent: (reason?: string) => string;
  handoffReasons: Record<HandoffReasonCode, string>;
  /** An agent took the conversation (from the queue, or from the assistant). */
  assigned: (name?: string) => string;
  /** The conversation went to another agent, `name`. */
  transferred: (name?: string) => string;
  /** `name` (the agent) gave the conversation back to the assistant. */
  returned: (name?: string) => string;
  /** A phone callback is being dialled; `to` is the masked number. */
  callCalling: (to?: string) => string;
  /** The visitor's in-browser call rings at the team. */
  callVisitorCalling: string;
  /** The team's in-browser call rings at the visitor. */
  callTeamCalling: string;
  callConnected: string;
  /** `duration` as m:ss. */
  callEnded: (duration: string) => string;
  callCancelled: string;
  callFailed: (why?: string) => string;
  callFailReasons: Record<CallFailReason, string>;
  /** Put before a call notice of the server's simulated telephony (no phone rang). */
  callSimulated: (text: string) => string;
}

/** English. */
export const enNotices: NoticeStrings = {
  escalatedByVisitor: (reason) => (reason ? `You asked for a person: ${reason}` : 'You asked for a person.'),
  escalatedByAssistant: (why) =>
    why ? `The assistant asked a person to take over (${why}).` : 'The assistant asked a person to take over.',
  escalatedByAgent: (reason) =>
    reason ? `The conversation was passed to the team: ${reason}` : 'The conversation was passed to the team.',
  handoffReasons: {
    requested: 'you asked for a person',
    low_confidence: 'it was not sure of the answer',
    unhelpful: 'its answers did not help',
    provider_error: 'it could not answer',
  },
  assigned: (name) => (name ? `${name} joined the conversation.` : 'A person joined the conversation.'),
  transferred: (name) => (name ? `The conversation was passed to ${name}.` : 'The conversation was passed to someone else on the team.'),
  returned: (name) => (name ? `${name} handed the conversation back to the assistant.` : 'The assistant is answering again.'),
  callCalling: (to) => (to ? `Calling ${to}…` : 'Calling you…'),
  callVisitorCalling: 'You are calling the team…',
  callTeamCalling: 'The team is calling you…',
  callConnected: 'Call connected.',
  callEnded: (duration) => `Call ended, ${duration}.`,
  callCancelled: 'Call cancelled.',
  callFailed: (why) => (why ? `Call failed: ${why}.` : 'Call failed.'),
  callFailReasons: {
    busy: 'the line was busy',
    no_answer: 'there was no answer',
    invalid_number: 'the number cannot be called',
    rate_limited: 'the phone service is busy',
    timeout: 'the phone service did not answer',
    declined: 'it was declined',
  },
  callSimulated: (text) => `Simulated call: ${text}`,
};
