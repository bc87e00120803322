/** Types the compatibility layer's modules share (kept apart so none imports another for a type). */

/** `window.ChatWidgetConfig` (declared by embed.ts): the drop-in's options. */
export type ChatWidgetConfig = NonNullable<Window['ChatWidgetConfig']>;

/** What the loader queues: the script's URL and the stubs' calls, in order. */
export interface CompatQueue {
  src: string;
  calls: unknown[][];
}

declare global {
  interface Window {
    amoiqCompat?: CompatQueue;
    amoiqCompatWake?: () => void;
  }
}
