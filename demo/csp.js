// The strict-CSP demo page's own script (an external file: inline script is not allowed there).
// It lists every Content-Security-Policy or Trusted Types violation on the page, and answers a
// parent frame's questions (test/security/csp.test.ts) through postMessage.
const violations = [];

document.addEventListener('securitypolicyviolation', (event) => {
  violations.push({ directive: event.effectiveDirective || event.violatedDirective, blocked: event.blockedURI, sample: event.sample });
  const output = document.getElementById('violations');
  if (output) output.textContent = String(violations.length);
  const item = document.createElement('li');
  item.textContent = `${event.effectiveDirective || event.violatedDirective}: ${event.blockedURI || event.sample}`;
  document.getElementById('violation-list')?.append(item);
});

window.addEventListener('message', (event) => {
  const { type, id, cmd, text } = event.data ?? {};
  if (type !== 'amoiq-csp-probe' || !event.source) return;
  const chat = document.querySelector('amoiq-chat');
  let result;
  if (cmd === 'status') {
    result = {
      violations,
      defined: Boolean(customElements.get('amoiq-chat')),
      connection: chat?.connectionState,
      messages: (chat?.messages ?? []).map((m) => ({ text: m.text, status: m.status, sender: m.sender.type })),
      rendered: chat?.shadowRoot?.querySelector('amoiq-message-list')?.shadowRoot?.textContent ?? '',
    };
  } else if (cmd === 'open') {
    chat?.show();
    result = Boolean(chat?.open);
  } else if (cmd === 'send') {
    result = Boolean(chat?.send(String(text)));
  } else if (cmd === 'canary') {
    // Proves the collector works: an HTML string without a policy must be refused and reported.
    try {
      document.createElement('div').innerHTML = '<b>canary</b>';
      result = 'allowed';
    } catch {
      result = 'blocked';
    }
  }
  event.source.postMessage({ type: 'amoiq-csp-probe-result', id, result }, { targetOrigin: event.origin });
});
