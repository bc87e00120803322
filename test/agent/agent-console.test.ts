import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../demo/agent/src/main.js';
import type { AmoiqAgentApp } from '../../demo/agent/src/agent-app.js';
import { AgentApi, AgentApiError } from '../../demo/agent/src/api.js';
import {
  RecordingSocket,
  agentToken,
  api,
  backend,
  fillAgentLogin,
  newId,
  newSession,
  postVisitor,
  userToken,
  visitorSocket,
  type Session,
} from '../server/helpers.js';
import { expectAccessible } from '../helpers/dom.js';

/**
 * The agent console against the real backend (test/plugins/backend.mjs), for the protocol's
 * "Conversation lifecycle, presence, read receipts, contact details, attachments" section: the
 * visitor side is driven through the visitor HTTP API and WebSocket, the console through its DOM.
 */
describe('agent console: lifecycle, read receipts, contact, quick replies, attachments', function () {
  // Each test logs an agent in (scrypt) and drives the console against a shared backend: on a
  // loaded machine that takes longer than the suite's default 20 s; the waits inside are on state.
  this.timeout(60_000);
  const sockets: RecordingSocket[] = [];
  beforeEach(() => sessionStorage.clear());
  afterEach(() => sockets.splice(0).forEach((s) => s.close()));

  const root = (el: AmoiqAgentApp) => el.shadowRoot!;
  const view = (el: AmoiqAgentApp) => root(el).querySelector('amoiq-agent-conversation')!.shadowRoot!;
  const wait = (predicate: () => unknown, message: string) => waitUntil(predicate, message, { timeout: 20_000 });

  async function loggedIn() {
    const { url, agent } = await backend();
    const el = await fixture<AmoiqAgentApp>(html`<amoiq-agent-app api-base=${url}></amoiq-agent-app>`);
    fillAgentLogin(root(el), agent);
    root(el).querySelector<HTMLButtonElement>('form button')!.click();
    await wait(() => root(el).querySelector('.status')?.textContent === 'Live', 'console did not go live');
    return el;
  }

  /**
   * What the console calls an anonymous visitor's conversation: "Visitor " and the start of its
   * opaque reference (agents never see the visitor id). The conversation must have a message.
   */
  async function labelOf(session: Session) {
    const list = await api(`/api/agent/conversations?limit=200`, { auth: await agentToken() });
    const ref: string = list.body.conversations.find((c: any) => c.id === session.conversationId).visitorRef;
    return `Visitor ${ref.replace(/^v_/, '').slice(0, 6)}`;
  }

  /** The list entry whose text contains `label`. */
  const item = (el: AmoiqAgentApp, label: string) =>
    [...root(el).querySelectorAll<HTMLButtonElement>('li button')].find((b) => b.textContent!.includes(label)) ?? null;

  /** Opens the conversation listed with `label` and waits for `count` messages or notices. */
  async function open(el: AmoiqAgentApp, label: string, count = 1) {
    await wait(() => item(el, label), `no conversation "${label}" in the list`);
    item(el, label)!.click();
    await wait(() => view(el).querySelectorAll('.message, .notice').length >= count, 'history not loaded');
  }

  async function visitor(session: Session) {
    const socket = await visitorSocket(session);
    sockets.push(socket);
    return socket;
  }

  async function reply(el: AmoiqAgentApp, text: string) {
    view(el).querySelector('textarea')!.value = text;
    view(el).querySelector<HTMLButtonElement>('.send-button')!.click();
  }

  /** Uploads bytes as the visitor (raw body, docs/protocol.md "Attachments"). */
  async function visitorUpload(session: Session, name: string, type: string, bytes: Uint8Array) {
    const { url, apiKey } = await backend();
    const res = await fetch(
      `${url}/api/chat/uploads?conversationId=${encodeURIComponent(session.conversationId)}&name=${encodeURIComponent(name)}`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${apiKey}`, 'X-Amoiq-Session': session.token, 'Content-Type': type },
        body: new Blob([bytes as BlobPart], { type }),
      },
    );
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).to.equal(201);
    return body.attachment as { id: string; name: string; size: number; url: string };
  }

  it('closes and reopens a conversation: status in the list and the header, notices in the log', async () => {
    const el = await loggedIn();
    const session = await newSession();
    await postVisitor(session, 'please close me');
    const socket = await visitor(session);
    const label = await labelOf(session);
    await open(el, label);
    expect(view(el).querySelector('.state')!.textContent).to.equal('Open');

    view(el).querySelector<HTMLButtonElement>('.status-button')!.click();
    await wait(() => view(el).querySelector('.state')?.textContent === 'Closed', 'header does not say closed');
    await wait(() => view(el).querySelector('.notice[data-event=closed]'), 'no "closed" notice');
    expect(view(el).querySelector('.notice[data-event=closed]')!.textContent).to.contain('closed the conversation');
    await wait(() => item(el, label)!.textContent!.includes('Closed'), 'list does not say closed');
    expect(view(el).querySelector('.status-button')!.textContent!.trim()).to.equal('Reopen conversation');
    expect(view(el).querySelector('textarea'), 'composer shown on a closed conversation').to.equal(null);
    expect(view(el).querySelector('.closed-note')!.textContent).to.contain('Reopen it to reply');
    // (A server may also announce the current status right after `ready`.)
    await socket.next((f) => f.type === 'status' && f.status === 'closed');
    // The visitor cannot write into it any more.
    expect((await postVisitor(session, 'too late')).status).to.equal(409);
    await expectAccessible(el);

    view(el).querySelector<HTMLButtonElement>('.status-button')!.click();
    await wait(() => view(el).querySelector('.state')?.textContent === 'Open', 'header does not say open');
    await wait(() => view(el).querySelector('.notice[data-event=reopened]'), 'no "reopened" notice');
    await wait(() => !item(el, label)!.textContent!.includes('Closed'), 'list still says closed');
    await socket.next((f) => f.type === 'status' && f.status === 'open');
    expect(view(el).querySelector('textarea')).to.exist;
    expect((await postVisitor(session, 'back again')).status).to.equal(201);
    // System notices are not messages: no bubble, no receipt.
    expect(view(el).querySelectorAll('.notice .receipt').length).to.equal(0);
  });

  it('counts unread messages, reports them read when opened, and shows when the visitor has seen a reply', async () => {
    const el = await loggedIn();
    const session = await newSession();
    await postVisitor(session, 'one');
    await postVisitor(session, 'two');
    const socket = await visitor(session);
    const label = await labelOf(session);
    await wait(() => item(el, label)?.querySelector('.count')?.textContent === '2', 'no unread count of 2');
    expect(item(el, label)!.textContent).to.contain('2 unread');
    await expectAccessible(el);

    await open(el, label, 2);
    const read = await socket.next((f) => f.type === 'read' && f.reader === 'agent');
    expect(read).to.include({ conversationId: session.conversationId, seq: 2 });
    await wait(() => !item(el, label)!.querySelector('.count'), 'unread count not cleared');
    // The visitor's side sees the mark too (the widget shows its messages as read).
    const page = await api(`/api/chat/messages?conversationId=${session.conversationId}`, {
      auth: (await backend()).apiKey,
      session: session.token,
    });
    expect(page.body.agentReadSeq).to.equal(2);

    await reply(el, 'Have you seen this?');
    const sent = await socket.next((f) => f.type === 'message' && f.message.text === 'Have you seen this?');
    await wait(() => view(el).querySelector('.message.agent .receipt'), 'no receipt under the reply');
    expect(view(el).querySelector('.message.agent .receipt')!.textContent).to.equal('Sent');

    socket.send({ type: 'read', seq: sent.message.seq });
    await wait(() => view(el).querySelector('.message.agent .receipt.seen'), 'reply not shown as seen');
    expect(view(el).querySelector('.message.agent .receipt')!.textContent).to.equal('Seen by the visitor');
    await expectAccessible(el);
  });

  it('reports read only while the console tab is visible', async () => {
    const el = await loggedIn();
    const session = await newSession();
    await postVisitor(session, 'first');
    const socket = await visitor(session);
    const label = await labelOf(session);
    await open(el, label);
    await socket.next((f) => f.type === 'read' && f.reader === 'agent' && f.seq === 1);

    // Hide the tab: an own property shadows Document.prototype's getter until deleted.
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    try {
      document.dispatchEvent(new Event('visibilitychange'));
      await postVisitor(session, 'while you were away');
      await wait(
        () => [...view(el).querySelectorAll('.message .text')].some((t) => t.textContent === 'while you were away'),
        'message not shown',
      );
      await wait(() => item(el, label)?.querySelector('.count')?.textContent === '1', 'hidden tab reported the message read');
    } finally {
      delete (document as unknown as Record<string, unknown>).visibilityState;
    }
    expect(document.visibilityState).to.equal('visible');
    document.dispatchEvent(new Event('visibilitychange'));
    await socket.next((f) => f.type === 'read' && f.reader === 'agent' && f.seq === 2);
    await wait(() => !item(el, label)!.querySelector('.count'), 'unread count not cleared when visible again');
  });

  it('validates quick replies in the composer', async () => {
    const el = await loggedIn();
    const session = await newSession();
    await postVisitor(session, 'hello');
    await open(el, await labelOf(session));
    const input = () => view(el).querySelector<HTMLInputElement>('#quick-reply')!;
    const add = () => view(el).querySelector<HTMLButtonElement>('.add-quick-reply')!;
    const hint = () => view(el).querySelector('.hint')!.textContent!;

    add().click();
    await el.updateComplete;
    await wait(() => hint().includes('Type the quick reply first'), 'no hint for an empty quick reply');
    expect(input().maxLength).to.equal(200);
    for (let i = 1; i <= 10; i++) {
      input().value = `Option ${i}`;
      add().click();
      await wait(() => view(el).querySelectorAll('.draft-quick-replies .chip').length === i, `chip ${i} not added`);
    }
    expect(input().disabled).to.equal(true);
    expect(add().disabled).to.equal(true);
    view(el).querySelector<HTMLButtonElement>('.draft-quick-replies .chip button')!.click();
    await wait(() => !input().disabled, 'input still disabled after removing one');
    input().value = 'Option 2';
    add().click();
    await wait(() => hint().includes('already a quick reply'), 'no hint for a duplicate');

    // Quick replies need text to go with them.
    view(el).querySelector<HTMLButtonElement>('.send-button')!.click();
    await wait(() => hint().includes('Write a message'), 'no hint for quick replies without text');
    await expectAccessible(el);
  });

  it('sends quick replies that the visitor receives and answers with', async () => {
    const el = await loggedIn();
    const session = await newSession();
    await postVisitor(session, 'can you help?');
    const socket = await visitor(session);
    await open(el, await labelOf(session));

    view(el).querySelector<HTMLInputElement>('#quick-reply')!.focus();
    await sendKeys({ type: 'Yes, please' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ type: 'No thanks' });
    await sendKeys({ press: 'Enter' });
    await wait(() => view(el).querySelectorAll('.draft-quick-replies .chip').length === 2, 'chips not added with Enter');
    await expectAccessible(el);

    await reply(el, 'Shall I book it?');
    const pushed = await socket.next((f) => f.type === 'message' && f.message.text === 'Shall I book it?');
    expect(pushed.message.quickReplies).to.deep.equal(['Yes, please', 'No thanks']);
    const { apiKey } = await backend();
    const page = await api(`/api/chat/messages?conversationId=${session.conversationId}`, { auth: apiKey, session: session.token });
    expect(page.body.messages.find((m: any) => m.text === 'Shall I book it?').quickReplies).to.deep.equal(['Yes, please', 'No thanks']);
    await wait(() => view(el).querySelectorAll('.draft-quick-replies .chip').length === 0, 'composer chips not cleared after sending');
    await wait(() => view(el).querySelectorAll('.message.agent .quick-replies .chip').length === 2, 'sent quick replies not shown');

    // Pressing a quick reply sends its text as an ordinary visitor message.
    expect((await postVisitor(session, 'Yes, please')).status).to.equal(201);
    await wait(() => [...view(el).querySelectorAll('.message .text')].some((t) => t.textContent === 'Yes, please'), 'answer not shown');
  });

  it('shows attachments, and uploads files with progress and sends them', async () => {
    const el = await loggedIn();
    const session = await newSession();
    const socket = await visitor(session);
    const png = Uint8Array.from(
      atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='),
      (c) => c.charCodeAt(0),
    );
    const image = await visitorUpload(session, 'photo.png', 'image/png', png);
    const text = await visitorUpload(session, 'notes.txt', 'text/plain', new TextEncoder().encode('x'.repeat(2048)));
    const sent = await api('/api/chat/messages', {
      auth: (await backend()).apiKey,
      session: session.token,
      body: { conversationId: session.conversationId, clientId: newId(), text: '', attachments: [image.id, text.id] },
    });
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    await open(el, await labelOf(session));

    const img = view(el).querySelector<HTMLImageElement>('.attachments a.image img')!;
    expect(img.getAttribute('src')).to.equal(image.url);
    expect(img.alt).to.equal('photo.png');
    expect(img.closest('a')!.getAttribute('href')).to.equal(image.url);
    await wait(() => img.complete && img.naturalWidth === 1, 'thumbnail did not load');
    const file = view(el).querySelector<HTMLAnchorElement>('.attachments a.file')!;
    expect(file.getAttribute('href')).to.equal(text.url);
    expect(file.textContent!.replace(/\s+/g, ' ').trim()).to.equal('notes.txt (2 kB)');
    await expectAccessible(el);

    // The agent attaches a file from the composer.
    const input = view(el).querySelector<HTMLInputElement>('#files')!;
    const transfer = new DataTransfer();
    transfer.items.add(new File(['agent notes'], 'answer.txt', { type: 'text/plain' }));
    input.files = transfer.files;
    input.dispatchEvent(new Event('change'));
    await wait(() => view(el).querySelector('.pending li'), 'picked file not listed');
    await wait(() => view(el).querySelector('.pending li.uploaded'), 'upload did not finish');
    expect(view(el).querySelector('.pending li')!.textContent).to.contain('answer.txt (11 bytes)');
    await expectAccessible(el);
    view(el).querySelector<HTMLButtonElement>('.send-button')!.click();
    const pushed = await socket.next((f) => f.type === 'message' && f.message.sender.type === 'agent' && f.message.attachments?.length);
    expect(pushed.message.attachments[0]).to.include({ name: 'answer.txt', size: 11, type: 'text/plain' });
    await wait(() => !view(el).querySelector('.pending'), 'composer still lists the sent file');
    await wait(() => view(el).querySelector('.message.agent .attachments a.file'), 'sent attachment not shown');
  });

  it('cancels an upload, shows a refused one, and sends without them', async () => {
    const el = await loggedIn();
    const session = await newSession();
    await postVisitor(session, 'send me something');
    const socket = await visitor(session);
    await open(el, await labelOf(session));
    const conversation = root(el).querySelector('amoiq-agent-conversation')!;
    const input = view(el).querySelector<HTMLInputElement>('#files')!;
    const pick = (file: File) => {
      const transfer = new DataTransfer();
      transfer.items.add(file);
      input.files = transfer.files;
      input.dispatchEvent(new Event('change'));
    };

    pick(new File([new Uint8Array(4 * 1024 * 1024)], 'big.txt', { type: 'text/plain' }));
    await conversation.updateComplete;
    // The upload cannot finish before this click: its answer needs a task, the render only a microtask.
    const cancel = view(el).querySelector<HTMLButtonElement>('.pending li.uploading button')!;
    expect(cancel.getAttribute('aria-label')).to.equal('Cancel upload of big.txt');
    expect(view(el).querySelector('.pending progress')).to.exist;
    await expectAccessible(el);
    cancel.click();
    await conversation.updateComplete;
    expect(view(el).querySelector('.pending')).to.equal(null);

    pick(new File(['MZ'], 'tool.exe', { type: 'application/x-msdownload' }));
    await wait(() => view(el).querySelector('.pending li.failed'), 'refused upload not shown');
    expect(view(el).querySelector('.pending li.failed')!.textContent).to.contain('not allowed');
    await expectAccessible(el);

    await reply(el, 'Nothing attached');
    const pushed = await socket.next((f) => f.type === 'message' && f.message.text === 'Nothing attached');
    expect(pushed.message.attachments ?? []).to.deep.equal([]);
  });

  it('refuses a sixth file with a message and keeps the others', async () => {
    const el = await loggedIn();
    const session = await newSession();
    await postVisitor(session, 'files please');
    await open(el, await labelOf(session));
    const input = view(el).querySelector<HTMLInputElement>('#files')!;
    const transfer = new DataTransfer();
    for (let i = 1; i <= 6; i++) transfer.items.add(new File([`file ${i}`], `f${i}.txt`, { type: 'text/plain' }));
    input.files = transfer.files;
    input.dispatchEvent(new Event('change'));
    await wait(() => view(el).querySelectorAll('.pending li').length === 5, 'five files not listed');
    expect(view(el).querySelector('.hint')!.textContent).to.contain('At most 5 files');
    await wait(() => view(el).querySelectorAll('.pending li.uploaded').length === 5, 'uploads did not finish');
  });

  it('shows the verified user and the contact details in the header', async () => {
    const el = await loggedIn();
    const { apiKey, tenantId } = await backend();
    const sub = `u_${newId()}`;
    const token = await userToken({ sub, name: 'Grace Hopper', email: 'grace@example.com' });
    const res = await api('/api/chat/session', { auth: apiKey, body: { tenantId, visitorId: newId(), userToken: token } });
    expect(res.status).to.equal(200);
    const session = res.body as Session;
    await postVisitor(session, 'I am logged in');
    const contact = await api('/api/chat/contact', {
      auth: apiKey,
      session: session.token,
      body: { conversationId: session.conversationId, name: 'Grace H.', email: 'g@example.org', fields: { plan: 'pro' } },
    });
    expect(contact.status).to.equal(204);

    await open(el, 'Grace Hopper');
    const head = view(el).querySelector('.head')!;
    await wait(() => head.querySelector('.contact'), 'no contact details');
    expect(head.querySelector('h2 .name')!.textContent).to.equal('Grace Hopper');
    expect(head.querySelector('.identity')!.textContent).to.contain('Verified user');
    expect(head.querySelector('.identity')!.textContent).to.contain('grace@example.com');
    expect(head.querySelector('.identity')!.textContent).to.contain(sub);
    const details = [...head.querySelectorAll('.contact dt, .contact dd')].map((n) => n.textContent!.trim());
    expect(details).to.deep.equal(['Name', 'Grace H.', 'Email', 'g@example.org', 'plan', 'pro']);
    await expectAccessible(el);

    // A later contact call is announced live.
    const session2 = await newSession();
    await postVisitor(session2, 'anonymous');
    const label2 = await labelOf(session2);
    await wait(() => item(el, label2), 'second conversation not listed');
    await api('/api/chat/contact', {
      auth: apiKey,
      session: session2.token,
      body: { conversationId: session2.conversationId, name: 'Linus' },
    });
    await wait(() => item(el, 'Linus'), 'contact name not shown in the list');
  });
});

/** The console's HTTP client on its own: the paths the live socket normally takes, and uploads. */
describe('agent console: AgentApi against the real backend', () => {
  async function loggedInApi() {
    const { url, agent } = await backend();
    const client = new AgentApi(url);
    client.token = (await client.login(agent.email, agent.password)).token;
    return client;
  }

  it('reports read over HTTP; the mark only moves forward and the visitor sees it', async () => {
    const client = await loggedInApi();
    const session = await newSession();
    await postVisitor(session, 'one');
    await postVisitor(session, 'two');
    await client.read(session.conversationId, 2);
    await client.read(session.conversationId, 1);
    const { apiKey } = await backend();
    const page = await api(`/api/chat/messages?conversationId=${session.conversationId}`, { auth: apiKey, session: session.token });
    expect(page.body.agentReadSeq).to.equal(2);
    const listed = (await client.conversations()).conversations.find((c) => c.id === session.conversationId)!;
    expect(listed.agentReadSeq).to.equal(2);
  });

  it('uploads with progress, and a cancelled upload rejects as aborted', async () => {
    const client = await loggedInApi();
    const session = await newSession();
    const progress: Array<[number, number]> = [];
    const file = new File([new Uint8Array(256 * 1024)], 'data.txt', { type: 'text/plain' });
    const attachment = await client.upload(session.conversationId, file, (loaded, total) => progress.push([loaded, total])).done;
    expect(attachment).to.include({ name: 'data.txt', size: file.size, type: 'text/plain' });
    expect(progress.at(-1)).to.deep.equal([file.size, file.size]);

    const upload = client.upload(session.conversationId, new File([new Uint8Array(4 * 1024 * 1024)], 'big.txt', { type: 'text/plain' }));
    upload.abort();
    const error = await upload.done.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(AgentApiError);
    expect((error as AgentApiError).code).to.equal('aborted');
  });
});
