/**
 * The agent console's part of the assistant (issue 12; docs/protocol.md, "The assistant"):
 *
 * - `<amoiq-agent-queue>`: the conversations waiting for a person, oldest first, with their
 *   position, waiting time (ticking), reason and who asked, and an Accept button;
 * - `<amoiq-agent-handoff>`: for the open conversation, who has it (the assistant, the queue, an
 *   agent) with "Take over" / "Accept", "Return to assistant" and "Transfer", and the visitor's
 *   rating and feedback on the assistant's answers, and while the assistant has it the answer
 *   being written, growing live (`<amoiq-agent-live-answer>`, queue-stream.ts).
 *
 * Both read the agent API (`GET /api/agent/queue`, `GET /api/agent/conversations/:id/feedback`)
 * and read it again whenever `refresh()` is called — the app calls it on the socket's `queue`,
 * `handoff`, `feedback` and `rating` frames, so they follow at once — and every few seconds
 * besides; they need nothing of the frames' contents.
 */
import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { handoffActions, handoffReason, type ReasonText } from './handoff-text.js';
import { conversationNumber, visitorName } from './titles.js';
import type { Contact, VerifiedUser } from './types.js';

/** How often the panels read the server again (ms). */
const REFRESH_MS = 3000;

interface HandoffInfo {
  state: 'assistant' | 'queued' | 'assigned' | 'none';
  reason?: string;
  requestedBy?: string;
  requestedAt?: string;
  position?: number;
  estimatedWaitSeconds?: number | null;
  agent?: { id: string; name: string };
  metadata?: Record<string, string>;
  /** The conversation has an assistant to hand it back to (the agents' Handoff only). */
  assistant: boolean;
}

interface QueueEntry {
  conversationId: string;
  position: number;
  queuedAt: string;
  reason: string;
  requestedBy: string;
  metadata?: Record<string, string>;
  /** As the Handoff's: it may go back to the assistant. */
  assistant: boolean;
  conversation: { id: string; visitorRef?: string; contact?: Contact; user?: VerifiedUser; lastMessage?: { text?: string } | null };
}

interface QueueAgent {
  id: string;
  name: string;
  online: boolean;
  assigned: number;
  limit: number;
}

interface FeedbackInfo {
  feedback: { messageId: string; helpful: boolean; comment?: string; createdAt: string }[];
  rating: { score: number; comment?: string; createdAt: string } | null;
  handoff: HandoffInfo | null;
}

/** Calls the agent API with the console's token; throws the protocol's error message. */
async function call<T>(base: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(json?.error?.message ?? `${res.status} ${res.statusText}`);
  return json as T;
}

/** `m:ss` (or `h:mm:ss`) of a number of seconds. */
export function formatWait(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** What both panels share: the console's buttons, focus rings and colours (conversation-view.ts). */
const shared = css`
  :host {
    display: block;
    font: inherit;
  }
  button {
    font: inherit;
    min-block-size: 32px;
    padding: 4px 12px;
    border: 1px solid #0b5cad;
    border-radius: 6px;
    background: #0b5cad;
    color: #fff;
    cursor: pointer;
  }
  button.secondary {
    background: #fff;
    color: #0b5cad;
  }
  button:disabled {
    background: #8c959f;
    color: #fff;
    border-color: #8c959f;
    cursor: default;
  }
  button:focus-visible,
  select:focus-visible {
    outline: 2px solid #0b5cad;
    outline-offset: 2px;
  }
  select {
    font: inherit;
    min-block-size: 32px;
    padding: 4px 8px;
    border: 1px solid #8c959f;
    border-radius: 6px;
    background: #fff;
    color: inherit;
  }
  .error {
    color: #a40e26;
    margin: 0;
  }
  .muted {
    color: #57606a;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
  }
  @media (forced-colors: active) {
    button {
      border: 1px solid CanvasText;
    }
  }
`;

/** A handoff reason: the console's sentence, and the reason someone typed quoted and isolated. */
function renderReason(r: ReasonText) {
  return r.quote ? html`${r.text}: “<bdi>${r.quote}</bdi>”` : r.text;
}

/** Polls while connected; `refresh()` reads at once. */
abstract class PollingElement extends LitElement {
  /** The poll's interval (ms); the socket's news read at once besides (agent-app.ts). Tests lengthen it. */
  static refreshMs = REFRESH_MS;
  @property({ attribute: false }) baseUrl = '';
  @property({ attribute: false }) token = '';
  @state() protected error = '';
  private timer: ReturnType<typeof setInterval> | undefined;

  override connectedCallback() {
    super.connectedCallback();
    this.timer = setInterval(() => void this.refresh(), (this.constructor as typeof PollingElement).refreshMs);
    void this.refresh();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  abstract refresh(): Promise<void>;
}

/**
 * The conversations waiting for a person, oldest first: each with its position, the visitor (named
 * as the conversation list names them), how long it has waited (ticking), why (in words), and
 * **Accept** / **Open**; above them the online agents and their load. Sits above the conversation
 * list, inside its column.
 *
 * @tag amoiq-agent-queue
 * @fires amoiq-agent-open - `detail: { conversationId }` when the agent opens or accepts an entry
 */
export class AmoiqAgentQueue extends PollingElement {
  static override styles = [
    shared,
    css`
      :host {
        border-block-end: 1px solid #d7dde3;
        padding-block-end: 8px;
      }
      h2 {
        font-size: 0.8rem;
        text-transform: uppercase;
        color: #57606a;
        margin: 12px 16px 4px;
      }
      .agents,
      .empty {
        margin: 0 16px 4px;
        font-size: 0.8rem;
      }
      .error {
        margin: 4px 16px;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li {
        display: grid;
        gap: 4px;
        padding: 8px 16px;
        border-block-end: 1px solid #eef1f4;
      }
      li:last-child {
        border-block-end: 0;
      }
      .row {
        display: flex;
        gap: 8px;
        align-items: baseline;
        font-weight: 600;
        min-inline-size: 0;
      }
      .row bdi {
        flex: 0 1 auto;
        min-inline-size: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .pos,
      .number,
      .wait {
        flex: none;
        white-space: nowrap;
      }
      .number {
        margin-inline-start: auto;
      }
      .number,
      .wait {
        font-weight: 400;
        font-size: 0.8rem;
        color: #57606a;
      }
      .wait {
        margin-inline-start: auto;
      }
      .reason {
        font-size: 0.85rem;
        color: #3d444d;
        overflow-wrap: anywhere;
      }
      .actions button {
        min-block-size: 28px;
        padding: 2px 10px;
        font-size: 0.85rem;
      }
    `,
  ];

  @state() private queue: QueueEntry[] = [];
  @state() private agents: QueueAgent[] = [];
  @state() private now = Date.now();
  private clock: ReturnType<typeof setInterval> | undefined;

  override connectedCallback() {
    super.connectedCallback();
    this.clock = setInterval(() => (this.now = Date.now()), 1000);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.clock);
  }

  async refresh() {
    if (!this.token) return;
    try {
      const answer = await call<{ queue: QueueEntry[]; agents: QueueAgent[] }>(this.baseUrl, this.token, 'GET', '/api/agent/queue');
      this.queue = answer.queue;
      this.agents = answer.agents;
      this.error = '';
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  override render() {
    const online = this.agents.filter((a) => a.online);
    return html`<section aria-labelledby="queue-title">
      <h2 id="queue-title">Waiting for a person (${this.queue.length})</h2>
      <p class="agents muted">
        ${online.length} agent${online.length === 1 ? '' : 's'} online${online.length ? ': ' : ''}${online.map(
          (a, i) => html`${i ? ', ' : ''}<bdi>${a.name}</bdi> ${a.assigned}/${a.limit}`,
        )}
      </p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${
        this.queue.length === 0
          ? html`<p class="empty muted">Nobody is waiting.</p>`
          : html`<ol>
              ${this.queue.map((q) => this.renderEntry(q))}
            </ol>`
      }
    </section>`;
  }

  private renderEntry(q: QueueEntry) {
    const waited = (this.now - Date.parse(q.queuedAt)) / 1000;
    const who = visitorName(q.conversation);
    return html`<li data-conversation=${q.conversationId}>
      <div class="row">
        <span class="pos">#${q.position}</span>
        <bdi class="name">${who}</bdi>
        <span class="wait" title="Waiting since ${new Date(q.queuedAt).toLocaleTimeString()}">waiting ${formatWait(waited)}</span>
      </div>
      <div class="reason">${renderReason(handoffReason(q.reason, q.requestedBy))}</div>
      <div class="actions">
        <button type="button" aria-label="Accept ${who}" @click=${() => this.accept(q.conversationId)}>Accept</button>
        <button type="button" class="secondary" aria-label="Open ${who}" @click=${() => this.open(q.conversationId)}>Open</button>
        <span class="number" title="Conversation number">${conversationNumber(q.conversation)}</span>
      </div>
    </li>`;
  }

  private async accept(conversationId: string) {
    try {
      await call(this.baseUrl, this.token, 'POST', `/api/agent/conversations/${encodeURIComponent(conversationId)}/accept`);
      await this.refresh();
      this.open(conversationId);
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  private open(conversationId: string) {
    this.dispatchEvent(new CustomEvent('amoiq-agent-open', { detail: { conversationId }, bubbles: true, composed: true }));
  }
}

/**
 * Who has the open conversation (the assistant, the queue, an agent) and why, the actions valid
 * in that state (**Take over**, **Accept**, **Return to assistant**, **Transfer**; none once the
 * conversation is closed), the visitor's rating and feedback on the assistant's answers, and while
 * the assistant has it the answer being written (`<amoiq-agent-live-answer>`). The conversation
 * view shows it under its header (its `handoff` slot).
 *
 * @tag amoiq-agent-handoff
 */
export class AmoiqAgentHandoff extends PollingElement {
  static override styles = [
    shared,
    css`
      .panel {
        display: grid;
        gap: 6px;
        padding: 8px 16px;
        border-block-end: 1px solid #d7dde3;
        background: #f6f8fa;
      }
      .bar button {
        padding: 6px 16px;
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 12px;
        align-items: center;
      }
      .state {
        font-weight: 600;
        margin-inline-end: auto;
      }
      .reason,
      .feedback,
      .error {
        margin: 0;
        font-size: 0.9rem;
        color: #3d444d;
        overflow-wrap: anywhere;
      }
      .feedback p {
        margin: 0;
      }
      .error {
        color: #a40e26;
      }
      .feedback {
        display: grid;
        gap: 2px;
      }
      .stars {
        letter-spacing: 0.1em;
        color: #6b4700;
      }
      ul {
        margin: 0;
        padding-inline-start: 1.2rem;
      }
      amoiq-agent-live-answer {
        margin-block-start: 2px;
      }
      /* The conversation header's gutter on a phone (conversation-view.ts). */
      @media (max-width: 700px) {
        .panel {
          padding-inline: 12px;
        }
      }
    `,
  ];

  @property({ attribute: false }) conversationId: string | null = null;
  /** The conversation is closed: no handoff action is valid any more (the server answers `409 conversation_closed`). */
  @property({ type: Boolean }) closed = false;
  /** The logged-in agent. */
  @property({ attribute: false }) agentId = '';
  @state() private info: FeedbackInfo | null = null;
  @state() private agents: QueueAgent[] = [];
  @state() private busy = false;

  override willUpdate(changed: Map<string, unknown>) {
    // Another conversation: nothing of the previous one shows meanwhile (set before rendering, so no second update).
    if (changed.has('conversationId')) {
      this.info = null;
      this.error = '';
    }
  }

  override updated(changed: Map<string, unknown>) {
    if (changed.has('conversationId')) {
      void this.refresh();
    } else if (changed.has('closed')) {
      // Closed or reopened here or elsewhere: the state (and what may be done) follows at once.
      void this.refresh();
    }
  }

  async refresh() {
    const id = this.conversationId;
    if (!this.token || !id) return;
    try {
      const info = await call<FeedbackInfo>(this.baseUrl, this.token, 'GET', `/api/agent/conversations/${encodeURIComponent(id)}/feedback`);
      if (id !== this.conversationId) return;
      this.info = info;
      const queue = await call<{ agents: QueueAgent[] }>(this.baseUrl, this.token, 'GET', '/api/agent/queue');
      this.agents = queue.agents;
      this.error = '';
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  override render() {
    const h = this.info?.handoff;
    if (!this.conversationId || !h) return nothing;
    const escalated = (h.state === 'queued' || h.state === 'assigned') && (h.reason || h.requestedBy);
    return html`<section class="panel" part="base" aria-label="Handoff">
      <div class="bar">
        <span class="state">${describe(h, this.agentId, this.closed)}</span>
        ${this.renderActions(h)}
      </div>
      ${escalated ? html`<p class="reason">${renderReason(handoffReason(h.reason, h.requestedBy))}</p>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing} ${this.renderFeedback()}
      ${
        h.state === 'assistant' && !this.closed
          ? html`<amoiq-agent-live-answer .baseUrl=${this.baseUrl} .token=${this.token} .conversationId=${this.conversationId}></amoiq-agent-live-answer>`
          : nothing
      }
    </section>`;
  }

  private renderActions(h: HandoffInfo) {
    const others = this.agents.filter((a) => a.id !== h.agent?.id && a.id !== this.agentId);
    const can = handoffActions(h, { closed: this.closed, agentId: this.agentId, otherAgents: others.length });
    if (!Object.values(can).some(Boolean)) return nothing;
    return html`<div class="actions">
      ${can.takeOver ? html`<button type="button" ?disabled=${this.busy} @click=${() => this.act('accept')}>Take over</button>` : nothing}
      ${can.accept ? html`<button type="button" ?disabled=${this.busy} @click=${() => this.act('accept')}>Accept</button>` : nothing}
      ${
        can.takeFromAgent
          ? html`<button type="button" ?disabled=${this.busy} @click=${() => this.act('transfer', { agentId: this.agentId })}>Take over</button>`
          : nothing
      }
      ${
        can.returnToAssistant
          ? html`<button type="button" class="secondary" ?disabled=${this.busy} @click=${() => this.act('return')}>Return to assistant</button>`
          : nothing
      }
      ${
        can.transfer
          ? html`<label
              >Transfer to
              <select
                ?disabled=${this.busy}
                @change=${(e: Event) => {
                  const select = e.target as HTMLSelectElement;
                  if (select.value) void this.act('transfer', { agentId: select.value });
                  select.value = '';
                }}
              >
                <option value="">—</option>
                ${others.map((a) => html`<option value=${a.id}>${a.name}${a.online ? '' : ' (offline)'}</option>`)}
              </select></label
            >`
          : nothing
      }
    </div>`;
  }

  private renderFeedback() {
    const info = this.info;
    if (!info || (!info.rating && info.feedback.length === 0)) return nothing;
    const helpful = info.feedback.filter((f) => f.helpful).length;
    const unhelpful = info.feedback.length - helpful;
    return html`<div class="feedback">
      ${
        info.rating
          ? html`<p class="rating">
              Visitor’s rating:
              <span class="stars" role="img" aria-label="${info.rating.score} out of 5">${'★'.repeat(info.rating.score)}${'☆'.repeat(5 - info.rating.score)}</span>
              ${info.rating.comment ? html`“<bdi>${info.rating.comment}</bdi>”` : nothing}
            </p>`
          : nothing
      }
      ${
        info.feedback.length
          ? html`<p class="answers">Assistant’s answers: ${helpful} helpful, ${unhelpful} not helpful</p>
              ${
                info.feedback.some((f) => f.comment)
                  ? html`<ul>
                      ${info.feedback
                        .filter((f) => f.comment)
                        .map((f) => html`<li>${f.helpful ? 'Helpful' : 'Not helpful'}: “<bdi>${f.comment}</bdi>”</li>`)}
                    </ul>`
                  : nothing
              }`
          : nothing
      }
    </div>`;
  }

  private async act(action: 'accept' | 'return' | 'transfer', body?: unknown) {
    const id = this.conversationId;
    if (!id) return;
    this.busy = true;
    try {
      await call(this.baseUrl, this.token, 'POST', `/api/agent/conversations/${encodeURIComponent(id)}/${action}`, body);
      this.error = '';
      await this.refresh();
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.busy = false;
    }
  }
}

/** One line on who has the conversation (who had it, once closed). */
function describe(h: HandoffInfo, agentId: string, closed: boolean): string {
  const mine = h.agent?.id === agentId;
  if (closed) {
    if (h.state === 'assigned')
      return mine ? 'Closed · you had this conversation' : `Closed · ${h.agent?.name ?? 'an agent'} had this conversation`;
    return h.state === 'assistant' ? 'Closed · the assistant (AI) was answering' : 'Closed';
  }
  switch (h.state) {
    case 'assistant':
      return 'The assistant (AI) is answering';
    case 'queued':
      return `Waiting for a person · #${h.position ?? '?'} in the queue`;
    case 'assigned':
      return mine ? 'You have this conversation' : `${h.agent?.name ?? 'An agent'} has this conversation`;
    default:
      return 'No assistant on this site';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'amoiq-agent-queue': AmoiqAgentQueue;
    'amoiq-agent-handoff': AmoiqAgentHandoff;
  }
}
