import { expect, fixture, html } from '@open-wc/testing';
import '../../demo/agent/src/main.js';
import type { AmoiqAgentApp } from '../../demo/agent/src/agent-app.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { fieldOfServerError, emptyWidget, validateWidget, type WidgetForm } from '../../demo/agent/src/settings-rules.js';
import { expectAccessible } from '../helpers/dom.js';
import { until } from '../helpers/until.js';
import { backend, fillAgentLogin, serverJob } from '../server/helpers.js';

// Issue 13, item 4: the designers' settings page of the agent console (demo/agent/src/settings-*.ts)
// against the real backend (test/plugins/backend.mjs): the preview follows the form before a save,
// a save reaches a fresh page that has only the widget id, the contrast check, the server's rules
// mirrored by the form's, and axe.

/** Polls until `check` gives something truthy. */
const wait = (check: () => unknown, message: string, timeoutMs?: number) => until(() => !!check(), message, timeoutMs);

interface Info {
  url: string;
  agent: { email: string; password: string };
  /** Another tenant (acme), whose agent is a plain agent (no `role: "admin"` in the tenants file). */
  other: { agent: { email: string; password: string } };
}

describe("agent console: the designers' settings page (real backend)", function () {
  this.timeout(60_000);
  let info: Info;
  let token: string;
  const frames: HTMLIFrameElement[] = [];

  before(async function () {
    this.timeout(200_000);
    // The drop-in the backend serves (for the fresh page with the id-only snippet).
    await serverJob('backend-build-widget', {}, 190_000);
    info = (await backend()) as unknown as Info;
    const login = await fetch(`${info.url}/api/agent/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(info.agent),
    });
    token = (await login.json()).token;
  });
  beforeEach(() => sessionStorage.clear());
  afterEach(() => {
    frames.splice(0).forEach((f) => f.remove());
    sessionStorage.clear(); // no console login left for the next file's tests
  });

  async function agentApi(method: string, path: string, body?: unknown) {
    const res = await fetch(`${info.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  }

  async function createWidget(over: Record<string, unknown> = {}): Promise<{ id: string; name: string; version: number }> {
    const name = `Settings test ${Math.random().toString(36).slice(2, 8)}`;
    const res = await agentApi('POST', '/api/agent/widgets', { name, themeColor: '#0088ff', allowedDomains: [location.origin], ...over });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }

  /** Logs in through the console, opens Widgets and selects the widget named `name`. */
  async function openSettings(name: string) {
    const app = await fixture<AmoiqAgentApp>(html`<amoiq-agent-app api-base=${info.url}></amoiq-agent-app>`);
    const root = app.shadowRoot!;
    fillAgentLogin(root, info.agent);
    root.querySelector<HTMLButtonElement>('form button')!.click();
    await wait(() => [...root.querySelectorAll('header button')].some((b) => b.textContent === 'Widgets'), 'the console', 30_000);
    [...root.querySelectorAll<HTMLButtonElement>('header button')].find((b) => b.textContent === 'Widgets')!.click();
    await wait(() => root.querySelector('amoiq-agent-settings')?.shadowRoot, 'the settings page');
    const page = root.querySelector('amoiq-agent-settings')!;
    const s = page.shadowRoot!;
    const entry = () => [...s.querySelectorAll<HTMLButtonElement>('nav li button')].find((b) => b.textContent!.trim().startsWith(name));
    await wait(() => entry(), `"${name}" in the list`);
    entry()!.click();
    await wait(() => s.querySelector('#form-title')?.textContent?.includes(name), 'its form');
    const previewRoot = () => s.querySelector('amoiq-agent-widget-preview')!.shadowRoot!;
    return {
      page,
      s,
      widget: () => previewRoot().querySelector<AmoiqChat>('amoiq-chat'),
      previewRoot,
      type(selector: string, value: string) {
        const input = s.querySelector<HTMLInputElement>(selector)!;
        input.value = value;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      },
      choose(name: string, value: string) {
        const radio = previewRoot().querySelector<HTMLInputElement>(`input[name="${name}"][value="${value}"]`)!;
        radio.click();
      },
    };
  }

  const launcherColor = (el: AmoiqChat | null) => {
    const launcher = el?.shadowRoot?.querySelector('[part="launcher"]');
    return launcher ? getComputedStyle(launcher).backgroundColor : '';
  };
  const title = (el: AmoiqChat | null) =>
    el?.shadowRoot?.querySelector('amoiq-chat-header')?.shadowRoot?.querySelector('[part="title"]')?.textContent?.trim() ?? '';

  it('editing a field updates the live preview before saving; the preview switches states, colours, direction and width', async () => {
    const { name, id, version } = await createWidget({ headerText: 'Saved title' });
    const ui = await openSettings(name);
    await wait(() => launcherColor(ui.widget()) === 'rgb(0, 136, 255)', 'the saved colour in the preview');

    ui.type('#themeColor', '#d9480f');
    await wait(() => launcherColor(ui.widget()) === 'rgb(217, 72, 15)', 'the edited colour in the preview');
    ui.type('#headerText', 'Edited title');
    await wait(() => title(ui.widget()) === 'Edited title', 'the edited header text in the open preview');
    // Nothing was saved.
    const listed = (await agentApi('GET', '/api/agent/widgets')).body.widgets.find((w: { id: string }) => w.id === id);
    expect([listed.version, listed.themeColor, listed.headerText]).to.deep.equal([version, '#0088ff', 'Saved title']);

    ui.choose('previewState', 'closed');
    await wait(() => ui.widget() && !ui.widget()!.open && launcherColor(ui.widget()) === 'rgb(217, 72, 15)', 'closed, still edited');
    ui.choose('previewState', 'away');
    await wait(() => ui.widget()?.shadowRoot?.querySelector('amoiq-away-banner'), 'the away banner');
    ui.choose('previewState', 'pre-chat');
    await wait(() => ui.widget()?.shadowRoot?.querySelector('amoiq-pre-chat-form'), 'the pre-chat form');
    ui.choose('previewState', 'conversation');
    const listText = () => ui.widget()?.shadowRoot?.querySelector('amoiq-message-list')?.shadowRoot?.textContent ?? '';
    await wait(() => listText().includes('Hi, where is my order?'), 'the sample conversation');
    ui.choose('previewState', 'closed-conversation');
    await wait(() => ui.widget()?.shadowRoot?.querySelector('amoiq-conversation-closed'), 'the closed bar');
    ui.choose('theme', 'dark');
    await wait(() => ui.widget()?.getAttribute('theme') === 'dark', 'dark');
    ui.choose('direction', 'rtl');
    await wait(() => ui.widget()?.shadowRoot?.querySelector('[part="base"]')?.getAttribute('dir') === 'rtl', 'right to left');
    ui.choose('size', 'phone');
    await wait(() => ui.previewRoot().querySelector<HTMLElement>('.stage')!.getBoundingClientRect().width === 375, 'the 375 px stage');
    expect(launcherColor(ui.widget())).to.equal('rgb(217, 72, 15)');
  });

  it('saving changes what a fresh page with the id-only snippet shows (its embed code, copied from the page)', async () => {
    const { name, id } = await createWidget();
    const ui = await openSettings(name);
    const snippet = ui.s.querySelector('[data-snippet="script-id"] code')!.textContent!;
    expect(snippet).to.equal(`<script src="${info.url}/embed/widget.js?id=${id}" async></script>`);
    for (const flavour of ['script-config', 'npm', 'react', 'vue'])
      expect(ui.s.querySelector(`[data-snippet="${flavour}"] code`)!.textContent, flavour).to.include(`widget:${id}`);

    const fresh = async () => {
      const frame = document.createElement('iframe');
      frame.style.cssText = 'width:800px;height:600px;border:0';
      frame.srcdoc = `<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body><h1>A site</h1>${snippet}</body></html>`;
      document.body.append(frame);
      frames.push(frame);
      await wait(() => launcherColor(frame.contentDocument?.querySelector<AmoiqChat>('amoiq-chat') ?? null), 'the launcher', 20_000);
      return launcherColor(frame.contentDocument!.querySelector<AmoiqChat>('amoiq-chat'));
    };
    expect(await fresh()).to.equal('rgb(0, 136, 255)');

    ui.type('#themeColor', '#2b8a3e');
    ui.s.querySelector<HTMLButtonElement>('form button[type="submit"]')!.click();
    await wait(() => ui.s.querySelector('.status')?.textContent?.includes('Saved'), 'saved');
    expect(await fresh()).to.equal('rgb(43, 138, 62)');
  });

  it('warns when the theme colour fails WCAG AA (a light colour), not for a dark one', async () => {
    const { name } = await createWidget({ themeColor: '#1a7f37' });
    const ui = await openSettings(name);
    const box = () => ui.s.querySelector('[data-testid="contrast"]')!;
    expect(box().classList.contains('fails')).to.equal(false);
    expect(box().textContent).to.include('passes WCAG AA');
    ui.type('#themeColor', '#ffe066');
    await wait(() => box().classList.contains('fails'), 'the warning');
    expect(box().textContent).to.include('fails WCAG AA');
    expect(box().querySelector('[data-check="light"]')!.textContent).to.match(/^✗/);
    // The text the widget puts on the colour is its own black-or-white pick, which always passes.
    expect(box().querySelector('[data-check="text"]')!.textContent).to.match(/^✓.*black/);
  });

  it('checks fields as the server does: an error beside the field before a request, and the server’s refusal beside the field it names', async () => {
    const { name, id, version } = await createWidget();
    const ui = await openSettings(name);
    ui.type('#width', '350');
    await wait(() => ui.s.querySelector('#width-error')?.textContent?.includes('CSS length'), 'the width error');
    expect(ui.s.querySelector('#width')!.getAttribute('aria-invalid')).to.equal('true');
    ui.s.querySelector<HTMLButtonElement>('form button[type="submit"]')!.click();
    await wait(() => ui.s.querySelector('.status')?.textContent?.startsWith('Not saved'), 'refused before sending');
    const listed = (await agentApi('GET', '/api/agent/widgets')).body.widgets.find((w: { id: string }) => w.id === id);
    expect(listed.version).to.equal(version);

    // The server's messages name the field the form shows them beside.
    const bad = await agentApi('POST', '/api/agent/widgets', { name: 'x', position: 'middle' });
    expect(fieldOfServerError(bad.body.error.message)).to.equal('position');

    // The same verdicts as the server for sample values of each checked field.
    const samples: Array<Partial<WidgetForm>> = [
      { themeColor: '#12345' },
      { themeColor: 'rgb(1, 2, 3)' },
      { themeColor: 'url(x)' },
      { width: '90vw' },
      { width: '350' },
      { height: '12.5rem' },
      { headerText: 'x'.repeat(101) },
      { welcomeMessage: 'x'.repeat(1000) },
      { features: { preChatFields: 'name,email*' } },
      { features: { preChatFields: 'name;drop' } },
      { allowedDomains: ['*.example.com', 'https://shop.example.com:8443'] },
      { allowedDomains: ['javascript:alert(1)'] },
      { texts: { de: { headerText: 'x'.repeat(101) } } },
    ];
    for (const sample of samples) {
      const form = { ...emptyWidget(), name: 'sample', ...sample };
      const client = Object.keys(validateWidget(form)).length === 0;
      const server = await agentApi('POST', '/api/agent/widgets', { name: 'sample', active: false, ...sample });
      expect(client, `${JSON.stringify(sample)}: server ${server.status}`).to.equal(server.status === 201);
      if (server.status === 201) await agentApi('DELETE', `/api/agent/widgets/${server.body.id}`);
    }

    // A refusal the form cannot foresee (the widget is gone) is shown, not swallowed.
    ui.type('#width', '350px');
    await agentApi('DELETE', `/api/agent/widgets/${id}`);
    ui.s.querySelector<HTMLButtonElement>('form button[type="submit"]')!.click();
    await wait(() => ui.s.querySelector('[role="alert"]')?.textContent?.includes('No such widget'), 'the server error');
  });

  it('deletes a widget only after the confirmation; a fresh page with its id then shows no widget; axe clean while asking', async () => {
    const { name, id } = await createWidget();
    const ui = await openSettings(name);
    const button = (action: string) => ui.s.querySelector<HTMLButtonElement>(`[data-action="${action}"]`);
    button('delete')!.click();
    await wait(() => button('confirm-delete'), 'the confirmation');
    expect(ui.s.querySelector('#confirm-delete-text')!.textContent).to.include(name).and.include('cannot be undone');
    expect(ui.s.activeElement, 'focus on the safe choice').to.equal(button('cancel-delete'));
    await expectAccessible(ui.page);
    // Cancel deletes nothing.
    button('cancel-delete')!.click();
    await wait(() => !button('confirm-delete'), 'the confirmation gone');
    expect((await agentApi('GET', '/api/agent/widgets')).body.widgets.some((w: { id: string }) => w.id === id)).to.equal(true);

    button('delete')!.click();
    await wait(() => button('confirm-delete'), 'the confirmation again');
    button('confirm-delete')!.click();
    await wait(() => ui.s.querySelector('.status')?.textContent?.includes(`Deleted “${name}”`), 'deleted');
    expect([...ui.s.querySelectorAll('nav li')].some((li) => li.textContent!.includes(name))).to.equal(false);
    expect((await agentApi('GET', '/api/agent/widgets')).body.widgets.some((w: { id: string }) => w.id === id)).to.equal(false);

    // A fresh page with the id-only snippet: no widget, the console says why.
    const frame = document.createElement('iframe');
    frame.srcdoc = `<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body><script>window.codes = []; document.addEventListener('amoiq-error', (e) => codes.push(e.detail.code));</script><script src="${info.url}/embed/widget.js?id=${id}" async></script></body></html>`;
    document.body.append(frame);
    frames.push(frame);
    const win = () => frame.contentWindow as (Window & { codes?: string[] }) | null;
    await wait(() => win()?.codes?.length, 'the refusal', 20_000);
    expect(win()!.codes).to.deep.equal(['unknown_widget']);
    expect(frame.contentDocument!.querySelector('amoiq-chat')).to.equal(null);
  });

  it("a plain agent's console has no Widgets page (a tenant admin's), and the server refuses its changes", async () => {
    const app = await fixture<AmoiqAgentApp>(html`<amoiq-agent-app api-base=${info.url}></amoiq-agent-app>`);
    const root = app.shadowRoot!;
    fillAgentLogin(root, info.other.agent);
    root.querySelector<HTMLButtonElement>('form button')!.click();
    await wait(() => [...root.querySelectorAll('header button')].some((b) => b.textContent === 'Log out'), 'the console', 30_000);
    expect([...root.querySelectorAll('header button')].map((b) => b.textContent)).not.to.include('Widgets');
    expect(root.querySelector('amoiq-agent-settings')).to.equal(null);
    const login = await fetch(`${info.url}/api/agent/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(info.other.agent),
    });
    const res = await fetch(`${info.url}/api/agent/widgets`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${(await login.json()).token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'by a plain agent' }),
    });
    expect([res.status, (await res.json()).error.code]).to.deep.equal([403, 'admin_required']);
  });

  it('deactivates a widget; the page is axe clean', async () => {
    const { name, id } = await createWidget();
    const ui = await openSettings(name);
    await wait(() => ui.widget()?.shadowRoot?.querySelector('amoiq-chat-header'), 'the preview');
    await expectAccessible(ui.page);
    ui.s.querySelector<HTMLButtonElement>('[data-action="deactivate"]')!.click();
    await wait(() => ui.s.querySelector('nav')!.textContent!.includes('(inactive)'), 'listed as inactive');
    const listed = (await agentApi('GET', '/api/agent/widgets')).body.widgets.find((w: { id: string }) => w.id === id);
    expect(listed.active).to.equal(false);
    ui.type('#themeColor', '#ffe066');
    await wait(() => ui.s.querySelector('.contrast.fails'), 'the warning');
    await expectAccessible(ui.page);
  });
});
