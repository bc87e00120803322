import type { AssistantServerFrame } from '../protocol/assistant.js';
import { ApiError, type MessagePage, type Sender, type ServerFrame, type WireMessage } from '../protocol/v1.js';
import type { PendingAcks } from './acks.js';
import type { TransportListener } from './transport-types.js';

/**
 * What the server says, turned into the transport listener's calls — the same for both channels:
 * {@link dispatchFrame} for a WebSocket frame, {@link pageReader} for the long poll's pages.
 */

/** Messages that catch up on what was missed: in one call where the listener takes a batch. */
export function replayed(listener: TransportListener, messages: WireMessage[]): void {
  if (!messages.length) return;
  if (listener.replayed) listener.replayed(messages);
  else for (const m of messages) listener.message(m);
}

/** One WebSocket frame; an `ack` or an `error` about a sent message settles its wait in `acks`. */
export function dispatchFrame(frame: ServerFrame | AssistantServerFrame, listener: TransportListener, acks: PendingAcks): void {
  switch (frame.type) {
    case 'message':
      listener.message(frame.message);
      break;
    case 'messages':
      replayed(listener, frame.messages);
      break;
    case 'ack':
      listener.message(frame.message);
      acks.resolve(frame.clientId, frame.message);
      break;
    case 'typing':
      listener.typing(frame.sender, frame.typing);
      break;
    case 'status':
    case 'presence':
    case 'read':
      listener.lifecycle?.(frame);
      break;
    case 'call':
    case 'mode':
    case 'rtc':
      listener.voice?.(frame);
      break;
    case 'error':
      if (!acks.reject(frame.clientId, ApiError.fromFrame(frame))) listener.warning(`Server error frame: ${frame.code}: ${frame.message}`);
      break;
    case 'stream_start':
    case 'stream_delta':
    case 'streams':
    case 'stream_end':
    case 'handoff':
      listener.assistant?.(frame);
      break;
    default:
      break; // pong and late ready frames only show that the socket lives
  }
}

/**
 * Reads the pages of one long poll: the pages answered at once after connecting are the catching
 * up (replayed), later ones waited for news; a page's call and mode become voice frames; HTTP has
 * no typing frames, so each page says who types now and the reader turns changes into typing calls.
 */
export function pageReader(listener: TransportListener): (page: MessagePage) => void {
  let catchingUp = true;
  let typing: Sender | null = null;
  return (page) => {
    if (catchingUp) replayed(listener, page.messages);
    else for (const m of page.messages) listener.message(m);
    catchingUp = page.hasMore;
    if (page.call) listener.voice?.({ type: 'call', call: page.call });
    if (page.mode) listener.voice?.({ type: 'mode', mode: page.mode });
    if (page.typing !== undefined && (page.typing || typing)) {
      listener.typing(page.typing ?? typing!, !!page.typing);
      typing = page.typing;
    }
    listener.lifecycle?.({ type: 'page', page });
  };
}
