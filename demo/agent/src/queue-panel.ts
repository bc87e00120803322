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
 * and refresh every few seconds and whenever `refresh()` is called (the app calls it on the
 * conversation's frames), so they need nothing of the socket's frame decoding.
 */
import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';

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
}

interface QueueEntry {
  conversationId: string;
  position: number;
  queuedAt: string;
  reason: string;
  requestedBy: string;
  metadata?: Record<string, string>;
  conversation: { id: string; visitorRef?: string; contact?: { name?: string; email?: string }; lastMessage?: { text?: string } | null };
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

const shared = css`
  :host {
    display: block;
    font: inherit;
  }
  button {
    font: inherit;
    cursor: pointer;
  }
  .error {
    color: #b00020;
  }
  .muted {
    color: #555;
  }
`;

/** Polls while connected; `refresh()` reads at once. */
abstract class PollingElement extends LitElement {
  @property({ attribute: false }) baseUrl = '';
  @property({ attribute: false }) token = '';
  @state() protected error = '';
  private timer: ReturnType<typeof setInterval> | undefined;

  override connectedCallback() {
    super.connectedCallback();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    void this.refresh();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  abstract refresh(): Promise<void>;
}

export class AmoiqAgentQueue extends PollingElement {
  static override styles = [
    shared,
    css`
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li {
        border-bottom: 1px solid #ddd;
        padding: 0.4rem 0;
      }
      .row {
        display: flex;
        gap: 0.5rem;
        align-items: baseline;
        flex-wrap: wrap;
      }
      .pos {
        font-weight: 600;
      }
      h2 {
        font-size: 1rem;
        margin: 0.5rem 0;
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
      <p class="muted">${online.length} agent${online.length === 1 ? '' : 's'} online: ${online.map((a) => `${a.name} ${a.assigned}/${a.limit}`).join(', ') || '—'}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${
        this.queue.length === 0
          ? html`<p class="muted">Nobody is waiting.</p>`
          : html`<ol>
              ${this.queue.map((q) => this.renderEntry(q))}
            </ol>`
      }
    </section>`;
  }

  private renderEntry(q: QueueEntry) {
    const waited = (this.now - Date.parse(q.queuedAt)) / 1000;
    const who = q.conversation.contact?.name || q.conversation.contact?.email || q.conversation.visitorRef || q.conversationId;
    return html`<li data-conversation=${q.conversationId}>
      <div class="row">
        <span class="pos">#${q.position}</span>
        <bdi>${who}</bdi>
        <span class="wait" title="Waiting since ${new Date(q.queuedAt).toLocaleTimeString()}">waiting ${formatWait(waited)}</span>
      </div>
      <div class="muted" dir="auto">${q.reason} (by the ${q.requestedBy})</div>
      <button type="button" @click=${() => this.accept(q.conversationId)}>Accept</button>
      <button type="button" class="link" @click=${() => this.open(q.conversationId)}>Open</button>
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

export class AmoiqAgentHandoff extends PollingElement {
  static override styles = [
    shared,
    css`
      .bar {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
        padding: 0.4rem 0;
        border-bottom: 1px solid #ddd;
      }
      .state {
        font-weight: 600;
      }
      .stars {
        letter-spacing: 0.1em;
      }
      ul {
        margin: 0.2rem 0;
        padding-left: 1.2rem;
      }
    `,
  ];

  @property({ attribute: false }) conversationId: string | null = null;
  /** The logged-in agent. */
  @property({ attribute: false }) agentId = '';
  @state() private info: FeedbackInfo | null = null;
  @state() private agents: QueueAgent[] = [];
  @state() private busy = false;

  override updated(changed: Map<string, unknown>) {
    if (changed.has('conversationId')) {
      this.info = null;
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
    return html`<div class="bar" role="group" aria-label="Handoff">
        <span class="state">${describe(h, this.agentId)}</span>
        ${this.renderActions(h)}
        ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : nothing}
      </div>
      ${
        h.state === 'assistant'
          ? html`<amoiq-agent-live-answer .baseUrl=${this.baseUrl} .token=${this.token} .conversationId=${this.conversationId}></amoiq-agent-live-answer>`
          : nothing
      }
      ${this.renderFeedback()}`;
  }

  private renderActions(h: HandoffInfo) {
    const mine = h.state === 'assigned' && h.agent?.id === this.agentId;
    const others = this.agents.filter((a) => a.id !== h.agent?.id);
    return html`
      ${h.state === 'assistant' || h.state === 'none' ? html`<button type="button" ?disabled=${this.busy} @click=${() => this.act('accept')}>Take over</button>` : nothing}
      ${h.state === 'queued' ? html`<button type="button" ?disabled=${this.busy} @click=${() => this.act('accept')}>Accept</button>` : nothing}
      ${
        h.state === 'assigned' && !mine
          ? html`<button type="button" ?disabled=${this.busy} @click=${() => this.act('transfer', { agentId: this.agentId })}>Take over</button>`
          : nothing
      }
      ${
        h.state === 'assigned' || h.state === 'queued'
          ? html`<button type="button" ?disabled=${this.busy} @click=${() => this.act('return')}>Return to assistant</button>`
          : nothing
      }
      ${
        h.state === 'assigned' && others.length
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
    `;
  }

  private renderFeedback() {
    const info = this.info;
    if (!info || (!info.rating && info.feedback.length === 0)) return nothing;
    const helpful = info.feedback.filter((f) => f.helpful).length;
    const unhelpful = info.feedback.length - helpful;
    return html`<div class="feedback">
      ${
        info.rating
          ? html`<p>
              Rating: <span class="stars" aria-label="${info.rating.score} out of 5">${'★'.repeat(info.rating.score)}${'☆'.repeat(5 - info.rating.score)}</span>
              ${info.rating.comment ? html`“<bdi>${info.rating.comment}</bdi>”` : nothing}
            </p>`
          : nothing
      }
      ${
        info.feedback.length
          ? html`<p>Assistant answers: ${helpful} helpful, ${unhelpful} not helpful</p>
              <ul>
                ${info.feedback.filter((f) => f.comment).map((f) => html`<li>${f.helpful ? '👍' : '👎'} <bdi>${f.comment}</bdi></li>`)}
              </ul>`
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
      await this.refresh();
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.busy = false;
    }
  }
}

/** One line on who has the conversation. */
function describe(h: HandoffInfo, agentId: string): string {
  switch (h.state) {
    case 'assistant':
      return 'The assistant (AI) is answering';
    case 'queued':
      return `Waiting for a person: #${h.position ?? '?'}${h.reason ? ` — ${h.reason}` : ''}`;
    case 'assigned':
      return h.agent?.id === agentId ? 'You have this conversation' : `${h.agent?.name ?? 'An agent'} has this conversation`;
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
