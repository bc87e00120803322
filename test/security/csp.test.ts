import { expect } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import { agentToken, api, backend, command, fromNode } from '../server/helpers.js';

// The drop-in script, freshly built, on a page the reference backend serves with a strict Content
// Security Policy (demo/csp.html): no inline script or style, no eval, Trusted Types required. The
// widget must connect, send and receive there with zero violations. The page (another origin)
// lists violations itself and answers over postMessage (demo/csp.js).

interface Status {
  violations: Array<{ directive: string; blocked: string; sample: string }>;
  defined: boolean;
  connection?: string;
  messages: Array<{ text: string; status?: string; sender: string }>;
  rendered: string;
}

function probe<T>(frame: HTMLIFrameElement, origin: string, cmd: string, text?: string): Promise<T> {
  const id = nanoid();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${cmd}`)), 5000);
    const onMessage = (e: MessageEvent) => {
      if (e.origin !== origin || e.data?.type !== 'amoiq-csp-probe-result' || e.data.id !== id) return;
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      resolve(e.data.result as T);
    };
    window.addEventListener('message', onMessage);
    frame.contentWindow!.postMessage({ type: 'amoiq-csp-probe', id, cmd, text }, origin);
  });
}

async function poll(frame: HTMLIFrameElement, origin: string, check: (s: Status) => boolean, what: string): Promise<Status> {
  let last: Status | undefined;
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    last = await probe<Status>(frame, origin, 'status');
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
}

describe('security: strict CSP and Trusted Types', () => {
  it('serves demo/csp.html with the strict policy', async () => {
    const [page] = await fromNode([{ path: '/demo/csp.html' }]);
    expect(page.status).to.equal(200);
    const policy = page.headers['content-security-policy'];
    expect(policy).to.contain("default-src 'self'").and.contain("require-trusted-types-for 'script'");
    expect(policy).not.to.contain('unsafe-inline');
    expect(policy).not.to.contain('unsafe-eval');
    // No way around it through another spelling of the path: that gets no page at all
    // (test/server/static-paths.test.ts walks many more).
    const [sneaky] = await fromNode([{ path: '/demo//csp.html' }]);
    expect(sneaky.status).to.equal(404);
    expect(sneaky.body?.error?.code).to.equal('not_found');
  });

  it('sends and receives under the policy with zero violations', async function () {
    this.timeout(90_000);
    await command('backend-build-widget');
    const { url } = await backend();
    const origin = new URL(url).origin;
    const frame = document.createElement('iframe');
    frame.style.cssText = 'width: 600px; height: 700px';
    frame.src = `${url}/demo/csp.html`;
    const loaded = new Promise((r) => frame.addEventListener('load', r, { once: true }));
    document.body.append(frame);
    try {
      await loaded;
      await poll(frame, origin, (s) => s.defined, 'the widget to be defined');
      // A new visitor's widget connects at the first sign of interest: opening loads the chat
      // runtime and the panel's chunks, which must run and render under the policy as well.
      expect(await probe(frame, origin, 'open')).to.equal(true);
      await poll(frame, origin, (s) => s.connection === 'online', 'the widget to be online');
      const text = `hello under CSP ${nanoid(6)}`;
      expect(await probe(frame, origin, 'send', text)).to.equal(true);
      // Stored by the server: no longer pending or failed (sent, delivered, read…).
      await poll(
        frame,
        origin,
        (s) => s.messages.some((m) => m.text === text && m.status !== 'pending' && m.status !== 'failed'),
        'the message to be stored',
      );

      const agent = await agentToken();
      const list = await api('/api/agent/conversations', { auth: agent });
      const conversation = list.body.conversations.find((c: { lastMessage?: { text: string } }) => c.lastMessage?.text === text);
      expect(conversation, 'the conversation of the CSP page').to.not.equal(undefined);
      const reply = `reply under CSP ${nanoid(6)}`;
      const posted = await api(`/api/agent/conversations/${conversation.id}/messages`, {
        auth: agent,
        body: { text: reply, clientId: nanoid() },
      });
      expect(posted.status).to.equal(201);
      const status = await poll(frame, origin, (s) => s.rendered.includes(reply), 'the reply to render');
      expect(status.violations).to.deep.equal([]);

      // The collector is live: an HTML string without a policy is blocked and reported.
      expect(await probe(frame, origin, 'canary')).to.equal('blocked');
      const after = await probe<Status>(frame, origin, 'status');
      expect(after.violations.map((v) => v.directive)).to.deep.equal(['require-trusted-types-for']);
    } finally {
      frame.remove();
    }
  });
});
