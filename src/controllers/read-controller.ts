import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatService } from '../services/chat-service.js';

/**
 * Reports the conversation read while the visitor can actually see it: after updates of
 * `<amoiq-chat>`, when new messages arrive ({@link changed}) and when the page becomes visible again, but only
 * while the panel is open and the page is visible. The service reports each new sequence number
 * once; after updates at most once per animation frame (the first at once, the newest of the rest
 * at the next frame), so a burst of messages is not a read frame each.
 */
export class ReadController implements ReactiveController {
  private readonly check = (): void => {
    if (this.isOpen() && document.visibilityState === 'visible') this.service()?.markRead();
  };
  /** A check ran in this frame; {@link again}: another was asked for meanwhile. */
  private checkedThisFrame = false;
  private again = false;

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
    this.checkOncePerFrame();
  }

  /** New messages arrived without an update of the host (it does not show them): check as after one. */
  changed(): void {
    this.checkOncePerFrame();
  }

  private checkOncePerFrame(): void {
    if (this.checkedThisFrame) {
      this.again = true;
      return;
    }
    this.check();
    this.checkedThisFrame = true;
    requestAnimationFrame(() => {
      this.checkedThisFrame = false;
      if (!this.again) return;
      this.again = false;
      this.checkOncePerFrame();
    });
  }
}
