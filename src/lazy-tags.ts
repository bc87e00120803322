/* Lazily registered tags; kept apart from registry.ts so components can use it without a cycle. */
/**
 * Tags that only some conversations show: their modules are imported the first time the chat
 * renders them (in the drop-in, separate chunks), so the initial script stays small. Until then
 * the element is an unupgraded custom element; Lit keeps the properties set on it meanwhile.
 */
export const LAZY_TAGS = {
  'amoiq-away-banner': () => import('./components/away-banner/away-banner.js').then((m) => m.AmoiqAwayBanner),
  'amoiq-conversation-closed': () =>
    import('./components/conversation-closed/conversation-closed.js').then((m) => m.AmoiqConversationClosed),
  'amoiq-pre-chat-form': () => import('./components/pre-chat-form/pre-chat-form.js').then((m) => m.AmoiqPreChatForm),
} as const;

/** A tag of {@link LAZY_TAGS}. */
export type LazyTag = keyof typeof LAZY_TAGS;

const loading = new Map<string, Promise<void>>();

/**
 * Imports and registers a lazily loaded tag (once; later calls get the same promise). A failed
 * import is forgotten, so the next render tries again.
 */
export function defineLazy(tag: LazyTag, registry: CustomElementRegistry = customElements): Promise<void> {
  if (registry.get(tag)) return Promise.resolve();
  let promise = loading.get(tag);
  if (!promise) {
    promise = LAZY_TAGS[tag]().then(
      (ctor) => {
        if (!registry.get(tag)) registry.define(tag, ctor);
      },
      (err: unknown) => {
        loading.delete(tag);
        throw err;
      },
    );
    loading.set(tag, promise);
  }
  return promise;
}
