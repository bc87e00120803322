import { ApiError } from '../protocol/v1.js';
import type { ChatApi } from './api.js';
import type { ChatServiceEvent } from './chat-types.js';
import type { SessionManager } from './session.js';

/** What the server last said of the conversation's call: its newest `call` frame and the mode. */
export interface VoiceSeen {
  call?: Record<string, unknown>;
  mode: 'chat' | 'voice';
}

/**
 * The chat service's voice part (no DOM): remembers the newest call and mode from the `voice`
 * events for the voice chunk, which loads later, and sends the visitor's voice requests with the
 * session's headers. The calls themselves live in the lazily loaded services/voice/.
 */
export class VoicePart {
  private seenNow: VoiceSeen = { mode: 'chat' };

  constructor(
    private readonly api: ChatApi,
    private readonly session: SessionManager,
  ) {}

  /** The conversation's newest call and mode, as the server last said. */
  get seen(): VoiceSeen {
    return this.seenNow;
  }

  /** Notes a `voice` event's call or mode. */
  observe(event: ChatServiceEvent): void {
    if (event.type !== 'voice') return;
    const { frame } = event;
    if (frame.type === 'call' && typeof frame.call === 'object' && frame.call) {
      this.seenNow = { ...this.seenNow, call: frame.call as Record<string, unknown> };
    } else if (frame.type === 'mode' && (frame.mode === 'chat' || frame.mode === 'voice')) {
      this.seenNow = { ...this.seenNow, mode: frame.mode };
    }
  }

  /**
   * A voice request (`POST /api/chat/voice/…`) with the session's headers, its token renewed once
   * if refused: the answer's status and body, whatever the status.
   */
  post(path: string, body: Record<string, unknown>): Promise<{ status: number; body: unknown; retryAfter?: number }> {
    return this.session.withSession(async (s) => {
      const answer = await this.api.postForAnswer(path, s.token, { conversationId: s.conversationId, ...body });
      if (answer.status === 401) throw new ApiError(401, 'token_expired', 'The session token was refused.');
      return answer;
    });
  }
}
