import { html, nothing } from 'lit';

/**
 * The read-aloud button of a message row: `<amoiq-read-aloud>` on an agent's or the assistant's
 * message with text, where the browser has `speechSynthesis` (nothing elsewhere). Its element is a
 * chunk of its own, loaded the first time a row shows it.
 */
export function renderReadAloud(m: { key: string; text: string; sender: { type: string } }) {
  if ((m.sender.type !== 'agent' && m.sender.type !== 'ai') || !m.text.trim() || !globalThis.speechSynthesis) return nothing;
  if (!customElements.get('amoiq-read-aloud')) void import('./read-aloud.js').then((r) => r.defineReadAloud());
  return html`<amoiq-read-aloud message-key=${m.key} .text=${m.text}></amoiq-read-aloud>`;
}
