import type { Sender } from '../protocol/v1.js';
import type { StateHolder } from './chat-types.js';
import type { Clock } from './clock.js';

/** How long the other side's typing indicator lasts without a new typing frame. */
const TYPING_TIMEOUT_MS = 6_000;

/**
 * Who is typing on the other side (`ChatState.typing`): set by typing frames, cleared by a frame
 * saying they stopped, by their message arriving, or after {@link TYPING_TIMEOUT_MS} of silence.
 */
export class TypingIndicator {
  private timer?: unknown;

  constructor(
    private readonly state: StateHolder,
    private readonly clock: Clock,
  ) {}

  set(sender: Sender, typing: boolean): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (typing) this.timer = this.clock.setTimeout(() => this.set(sender, false), TYPING_TIMEOUT_MS);
    this.state.patch({ typing: typing ? sender : undefined });
    this.state.publish();
  }

  /** A message of `sender` arrived: they no longer type. */
  answered(sender: Sender): void {
    if (sender.type !== 'visitor' && this.state.state.typing) this.set(sender, false);
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
