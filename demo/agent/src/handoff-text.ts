/**
 * The console's words for the assistant's handoff (docs/protocol.md, "The assistant"): why a
 * conversation waits for a person, and which handoff actions an agent may take. Plain functions,
 * no DOM, shared by the queue, the handoff panel and the conversation's notices, so a reason code
 * (`low_confidence`, `unhelpful`, …) never reaches the screen as it is on the wire.
 */

/** Who escalated (`handoff.requestedBy`). */
export type RequestedBy = 'visitor' | 'assistant' | 'agent' | string;

/** Why a conversation was handed over: the console's sentence, and the free text given with it (to show quoted, isolated). */
export interface ReasonText {
  text: string;
  /** What the visitor or the agent wrote as the reason; someone else's text: render it in `<bdi>`. */
  quote?: string;
}

/** The assistant's reason codes (demo/server/assistant/handoff.js, `HandoffReason`). */
const REASON_CODES: Readonly<Record<string, string>> = {
  requested: 'The visitor asked for a person',
  low_confidence: 'The assistant was not confident',
  unhelpful: 'The visitor found the assistant’s answers unhelpful',
  provider_error: 'The assistant could not answer (its AI service failed)',
  filtered: 'The assistant’s answer was blocked by its content filter',
};

/** The server's default reasons when none was given (demo/server: escalate and agent escalate). */
const DEFAULT_REASONS: Readonly<Record<string, string>> = {
  'requested by the visitor': REASON_CODES.requested,
  'put back in the queue by an agent': 'An agent put it back in the queue',
};

/**
 * The readable reason of a handoff: a code of the assistant becomes a sentence; a reason the
 * visitor or an agent typed is kept, as a quote after who asked.
 *
 * @example handoffReason('low_confidence', 'assistant') // { text: 'The assistant was not confident' }
 * @example handoffReason('Refund for order 1234', 'visitor') // { text: 'The visitor asked for a person', quote: 'Refund for order 1234' }
 */
export function handoffReason(reason: string | undefined, requestedBy?: RequestedBy): ReasonText {
  const given = (reason ?? '').trim();
  const known = REASON_CODES[given] ?? DEFAULT_REASONS[given.toLowerCase()];
  if (known) return { text: known };
  switch (requestedBy) {
    case 'visitor':
      return given ? { text: REASON_CODES.requested, quote: given } : { text: REASON_CODES.requested };
    case 'agent':
      return given ? { text: 'An agent put it in the queue', quote: given } : { text: 'An agent put it in the queue' };
    case 'assistant':
      return given ? { text: 'The assistant asked for a person', quote: given } : { text: 'The assistant asked for a person' };
    default:
      return given ? { text: 'Handed to a person', quote: given } : { text: 'Handed to a person' };
  }
}

/** {@link handoffReason} as one line of plain text: `The visitor asked for a person: “Refund …”`. */
export function handoffReasonLine(reason: string | undefined, requestedBy?: RequestedBy): string {
  const r = handoffReason(reason, requestedBy);
  return r.quote ? `${r.text}: “${r.quote}”` : r.text;
}

/** Who has the conversation (`handoff.state`). */
export type HandoffState = 'assistant' | 'queued' | 'assigned' | 'none';

/** What the agent may do with a conversation from the handoff panel. */
export interface HandoffActions {
  /** Take it from the assistant, or from nobody (a site without the assistant). */
  takeOver: boolean;
  /** Accept it from the queue. */
  accept: boolean;
  /** Take it from another agent (a transfer to oneself). */
  takeFromAgent: boolean;
  /** Give it back to the assistant: only where there is one (`handoff.assistant`). */
  returnToAssistant: boolean;
  /** Pass it to another agent. */
  transfer: boolean;
}

const NO_ACTIONS: HandoffActions = { takeOver: false, accept: false, takeFromAgent: false, returnToAssistant: false, transfer: false };

/**
 * The actions the server accepts for a conversation in this state (docs/protocol.md, "Queue and
 * assignment"): none on a closed conversation (each answers `409 conversation_closed`); transfer
 * only with another agent to transfer to; back to the assistant only when the conversation has one
 * (`assistant`: a site without it, or a widget that turned it off, answers `409 assistant_disabled`).
 * "Take over" needs no assistant: from `none` it takes a conversation nobody has (the server never
 * says `assistant` where none answers).
 */
export function handoffActions(
  h: { state: HandoffState | string; agent?: { id: string }; assistant: boolean },
  { closed, agentId, otherAgents }: { closed: boolean; agentId: string; otherAgents: number },
): HandoffActions {
  if (closed) return NO_ACTIONS;
  const assigned = h.state === 'assigned';
  const mine = assigned && h.agent?.id === agentId;
  return {
    takeOver: h.state === 'assistant' || h.state === 'none',
    accept: h.state === 'queued',
    takeFromAgent: assigned && !mine,
    returnToAssistant: h.assistant && (assigned || h.state === 'queued'),
    transfer: assigned && otherAgents > 0,
  };
}
