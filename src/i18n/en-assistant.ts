/**
 * English texts of the AI assistant's parts (streamed answers, feedback, handoff to a person, the
 * queue, rating and transcript), kept apart from en.ts; every locale file carries its own
 * `assistantUi` object of this shape (`es-assistant.ts`, …).
 */
import type { Plural } from './plural.js';
import { enNotices, type NoticeStrings } from './en-notices.js';

/** Texts of the assistant's parts, in one language. */
export interface AssistantStrings {
  /** The visible label beside an assistant's name: it is not a person. */
  aiLabel: string;
  /** Said and shown before the first token of an answer. */
  thinking: string;
  /** The button that stops an answer being written. */
  stop: string;
  /** Under an answer the visitor stopped. */
  stopped: string;
  /** Under an answer the server ended early (a person took over, a handoff, the conversation closed). */
  interrupted: string;
  /** Under an answer that broke off. */
  streamFailed: string;
  /** Heading of the links an answer is based on. */
  sources: string;
  /** The feedback group's name and its two buttons. */
  feedbackQuestion: string;
  helpful: string;
  notHelpful: string;
  /** The optional comment after "Not helpful". */
  feedbackComment: string;
  sendFeedback: string;
  feedbackThanks: string;
  feedbackFailed: string;
  /** A comment the visitor sent with "Not helpful", shown under the buttons (after a reload too). */
  feedbackYourComment: (comment: string) => string;
  /** The always-present handoff button. */
  talkToPerson: string;
  /** The line that says an AI answers (with the assistant's name). */
  chattingWithAi: (name: string) => string;
  /** The header's status line while the assistant answers ("Robin (AI) answers right away"). */
  answersNow: (name: string) => string;
  /** After {@link chattingWithAi} while no agent is online: a person replies later, if asked for. */
  teamAwayWithAssistant: string;
  /** The banner while a person is being asked for. */
  escalationRequested: string;
  /** "You are number 3 in the queue." */
  queuePosition: Plural;
  /** "Estimated wait: about 2 minutes." */
  queueWait: Plural;
  /** Instead of the wait once the estimate has run out (the visitor is still waiting). */
  queueWaitOver: string;
  /** "Ada joined the conversation." */
  assigned: (name: string) => string;
  /** "You are now talking to Grace." */
  transferred: (name: string) => string;
  /** The conversation went back to the assistant. */
  returned: string;
  /** Handoff could not be asked for. */
  escalationFailed: string;
  /** Name of the rating form (a group) and its parts. */
  ratingQuestion: string;
  /** Name of one star: "4 of 5". */
  ratingStar: (n: number) => string;
  ratingComment: string;
  submitRating: string;
  ratingThanks: string;
  ratingFailed: string;
  /** The transcript actions after a close. */
  downloadTranscript: string;
  transcriptText: string;
  transcriptHtml: string;
  transcriptFailed: string;
  emailTranscript: string;
  emailAddress: string;
  sendTranscript: string;
  transcriptSent: (email: string) => string;
  /** The server has no e-mail set up (`202 { delivered: false }`): trying again will not help. */
  transcriptNotSent: string;
  /** Sending the e-mail failed (the mail server, the network, too many requests): it may work later. */
  transcriptEmailFailed: string;
  /** Before the transcript's actions, in one row: "Transcript: Plain text · HTML · E-mail". */
  transcriptLabel: string;
  /** The visible text of the button named {@link emailTranscript}, in that row (a part of that name). */
  emailTranscriptShort: string;
  /** The rating once stored, read-only: "You rated 4 of 5." */
  ratingGiven: (n: number) => string;
  /** Closes the optional comment after "Not helpful" without sending one. */
  feedbackSkip: string;
  /** The system notices rendered from their fields (en-notices.ts). */
  notices: NoticeStrings;
}

/** English. */
export const enAssistant: AssistantStrings = {
  aiLabel: 'AI',
  thinking: 'Thinking…',
  stop: 'Stop',
  stopped: 'Stopped.',
  interrupted: 'Interrupted.',
  streamFailed: 'The answer broke off.',
  sources: 'Sources',
  feedbackQuestion: 'Was this answer helpful?',
  helpful: 'Helpful',
  notHelpful: 'Not helpful',
  feedbackComment: 'What was missing? (optional)',
  sendFeedback: 'Send',
  feedbackThanks: 'Thanks for your feedback.',
  feedbackFailed: 'Your feedback could not be sent. Try again.',
  feedbackYourComment: (comment) => `Your comment: “${comment}”`,
  talkToPerson: 'Talk to a person',
  chattingWithAi: (name) => `You are chatting with ${name}, an AI assistant.`,
  answersNow: (name) => `${name} (AI) answers right away`,
  teamAwayWithAssistant: 'Our team is away right now: if you ask for a person, they will reply later.',
  escalationRequested: 'Asking a person to join…',
  queuePosition: { one: 'You are number # in the queue.', other: 'You are number # in the queue.' },
  queueWait: { one: 'Estimated wait: about # minute.', other: 'Estimated wait: about # minutes.' },
  queueWaitOver: 'Taking longer than expected: a person will be with you as soon as possible.',
  assigned: (name) => `${name} joined the conversation.`,
  transferred: (name) => `You are now talking to ${name}.`,
  returned: 'The assistant is answering again.',
  escalationFailed: 'A person could not be asked for. Check your connection and try again.',
  ratingQuestion: 'How was this conversation?',
  ratingStar: (n) => `${n} of 5`,
  ratingComment: 'Comment (optional)',
  submitRating: 'Send rating',
  ratingThanks: 'Thanks for your rating.',
  ratingFailed: 'Your rating could not be sent. Try again.',
  downloadTranscript: 'Download transcript',
  transcriptText: 'Plain text',
  transcriptHtml: 'HTML',
  transcriptFailed: 'The transcript could not be fetched. Try again.',
  emailTranscript: 'E-mail me the transcript',
  emailAddress: 'Your e-mail',
  sendTranscript: 'Send',
  transcriptSent: (email) => `The transcript is on its way to ${email}.`,
  transcriptNotSent: 'The transcript could not be sent: e-mail is not available here. Download it instead.',
  transcriptEmailFailed: 'The transcript could not be e-mailed. Try again.',
  transcriptLabel: 'Transcript',
  emailTranscriptShort: 'E-mail',
  ratingGiven: (n) => `You rated ${n} of 5.`,
  feedbackSkip: 'Skip',
  notices: enNotices,
};
