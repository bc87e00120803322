import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { AgentApiError, type AgentApi } from '../api.js';
import type { Conversation } from '../types.js';

/** Search page size, and how long after the last key a search runs. */
const SEARCH_PAGE = 20;
const SEARCH_DELAY_MS = 300;

/**
 * The console's search across the tenant's conversations (names, e-mail addresses, message
 * text): the text as typed, run a moment after the last key (2 characters at least), its answers
 * page by page, and what the status line says. An answer for text no longer in the field is
 * dropped. While {@link results} is not null the list shows them instead of the inbox.
 */
export class ConversationSearch implements ReactiveController {
  /** The search text as typed. */
  text = '';
  /** The search's answers (null: no search, the list shows the inbox). */
  results: Conversation[] | null = null;
  /** The next page of answers, or null when they are all shown. */
  cursor: string | null = null;
  error = '';
  loadingMore = false;

  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Counts searches, so an answer for text no longer in the field is dropped. */
  private searches = 0;

  /** `onError`: the console's handling of a refused request (a 401 logs out). */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly api: AgentApi,
    private readonly onError: (error: unknown) => void,
  ) {
    host.addController(this);
  }

  hostDisconnected() {
    clearTimeout(this.timer);
  }

  /** The field's text changed: search a moment after the last key, not on every one. */
  input(text: string) {
    this.set({ text });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), SEARCH_DELAY_MS);
  }

  /** Runs the search for the field's text (2 characters at least; fewer shows the inbox again). */
  async run() {
    clearTimeout(this.timer);
    const text = this.text.trim();
    const search = ++this.searches;
    this.set({ error: '' });
    if ([...text].length < 2) {
      this.set({ results: null, cursor: null, error: text ? 'Type at least 2 characters to search.' : '' });
      return;
    }
    try {
      const page = await this.api.search(text, { limit: SEARCH_PAGE });
      if (search !== this.searches) return;
      this.set({ results: page.conversations, cursor: page.nextCursor });
    } catch (error) {
      if (search !== this.searches) return;
      this.onError(error);
      this.set({ error: `Search failed: ${error instanceof AgentApiError ? error.message : 'the server cannot be reached.'}` });
    }
  }

  /** The next page of answers, added below them. */
  async loadMore() {
    const cursor = this.cursor;
    if (!cursor || this.loadingMore) return;
    const search = this.searches;
    this.set({ loadingMore: true });
    try {
      const page = await this.api.search(this.text.trim(), { cursor, limit: SEARCH_PAGE });
      if (search !== this.searches || !this.results) return;
      const known = new Set(this.results.map((c) => c.id));
      this.set({ results: [...this.results, ...page.conversations.filter((c) => !known.has(c.id))], cursor: page.nextCursor });
    } catch (error) {
      this.onError(error);
    } finally {
      this.set({ loadingMore: false });
    }
  }

  /** Leaves the search: the list shows the inbox again. */
  clear() {
    clearTimeout(this.timer);
    this.searches++;
    this.set({ text: '', results: null, cursor: null, error: '' });
  }

  /** An answer shows the same conversation's news (status, unread count), keeping its match. */
  update(conversation: Conversation) {
    if (!this.results?.some((c) => c.id === conversation.id)) return;
    this.set({ results: this.results.map((c) => (c.id === conversation.id ? { ...conversation, match: c.match } : c)) });
  }

  /** What the status line says: the error, or how many were found. */
  status() {
    if (this.error) return this.error;
    if (!this.results) return '';
    const n = this.results.length;
    return `${n}${this.cursor ? '+' : ''} conversation${n === 1 ? '' : 's'} found for “${this.text.trim()}”`;
  }

  private set(changes: Partial<Pick<ConversationSearch, 'text' | 'results' | 'cursor' | 'error' | 'loadingMore'>>) {
    Object.assign(this, changes);
    this.host.requestUpdate();
  }
}
