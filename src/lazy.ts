/**
 * Side-effect entry with the drop-in's start cost: `import 'amoiq-chat/lazy'` registers
 * `<amoiq-chat>` at once — its launcher, properties, methods and events — and nothing else. The
 * rest of the chat (the service and its connection, the panel, the language strings) is imported
 * at the first sign of interest (pointer over, focus on or press of the launcher, `open`, `show()`,
 * `toggle()`, `send()`, `identify()`, `reset()`), or at once for a returning visitor who has a
 * conversation (for the unread badge). Properties set and methods called before then apply when
 * it arrives. `amoiq-chat/define` is the eager entry: everything registered up front.
 */
import { AmoiqChat } from './components/chat/chat.js';

/** Registers `<amoiq-chat>` (lazily completed) unless the tag is taken. */
export function defineLazyChat(registry: CustomElementRegistry = customElements): void {
  if (!registry.get('amoiq-chat')) registry.define('amoiq-chat', AmoiqChat);
}

defineLazyChat();
