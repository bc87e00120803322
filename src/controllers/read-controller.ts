import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatService } from '../services/chat-service.js';

/**
 * Reports the conversation read while the visitor can actually see it: after every update of
 * `<amoiq-chat>` (new messages re-render it) and when the page becomes visible again, but only
 * while the panel is open and the page is visible. The service reports each new sequence number
 * once.
 */
export class ReadController implements ReactiveController {
  private readonly check = (): void => {
    if (this.isOpen() && document.visibilityState === 'visible') this.service()?.markRead();
  };

  constructor(
    host: ReactiveControllerHost,
    private readonly service: () => ChatService | undefined,
    private readonly isOpen: () => boolean,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.check);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.check);
  }

  hostUpdated(): void {
    this.check();
  }
}
