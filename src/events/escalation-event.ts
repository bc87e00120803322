import type { Handoff } from '../protocol/assistant.js';

/** Detail of {@link AmoiqEscalationEvent}. */
export interface EscalationEventDetail {
  /**
   * Where the conversation is now: `queued` (waiting for a person: `position`,
   * `estimatedWaitSeconds`), `assigned` (`agent` has it), `assistant` (back with the assistant) or
   * `none`; `reason` and `requestedBy` (`visitor`, `assistant`, `agent`) say why it was escalated.
   */
  handoff: Handoff;
  /** The state before, if known. */
  previous?: Handoff['state'];
}

/**
 * Fired by `<amoiq-chat>` when the conversation's handoff state changes: escalated to the queue
 * (by the visitor's `escalate()` or "Talk to a person", by the assistant, by an agent), assigned to
 * an agent, transferred, or returned to the assistant. Queue position and wait updates do not fire
 * it; they are in `detail.handoff` of the next one and in the escalation banner.
 */
export class AmoiqEscalationEvent extends CustomEvent<EscalationEventDetail> {
  static readonly eventName = 'amoiq-escalation';

  constructor(detail: EscalationEventDetail) {
    super(AmoiqEscalationEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'amoiq-escalation': AmoiqEscalationEvent;
  }
}
