// The host page's own script: it only uses the public API that the drop-in script exposes
// (window.AmoiqChat) and the element's attributes.
const chat = () => window.AmoiqChat?.element ?? document.querySelector('amoiq-chat');

document.getElementById('open-chat').addEventListener('click', () => window.AmoiqChat?.open());

// Language and theme switches: plain attributes, applied at runtime; the widget loads the
// locale's strings on demand (a chunk in dist/chunks/ beside amoiq-chat.js).
document.getElementById('chat-lang').addEventListener('change', (e) => {
  const lang = e.target.value;
  if (lang) chat()?.setAttribute('lang', lang);
  else chat()?.removeAttribute('lang');
});
document.getElementById('chat-theme').addEventListener('change', (e) => chat()?.setAttribute('theme', e.target.value));

// Pre-chat form: ask for a name and a required e-mail before the first message of a conversation.
document.getElementById('chat-pre-chat').addEventListener('change', (e) => {
  if (e.target.checked) chat()?.setAttribute('pre-chat-fields', 'name,email*');
  else chat()?.removeAttribute('pre-chat-fields');
});
