import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { AmoiqChatInput } from '../../src/components/chat-input/chat-input.js';
import { contrast } from '../a11y/contrast.js';
import { captureWarnings, deepActiveElement, expectAccessible, part, until, typeNewline } from '../helpers/dom.js';

// Nothing listens on port 9: the widget stays offline, which is what these UI tests want.
const OFFLINE = 'http://127.0.0.1:9';

async function chat(attrs = ''): Promise<AmoiqChat> {
  const el = await fixture<AmoiqChat>(
    html`<amoiq-chat tenant-id="t" gateway-url=${OFFLINE} db-name=${`amoiq-test-${nanoid(8)}`}></amoiq-chat>`,
  );
  for (const a of attrs.split(' ').filter(Boolean)) {
    const [k, v = ''] = a.split('=');
    el.setAttribute(k, v);
  }
  await el.updateComplete;
  return el;
}

const textarea = (el: AmoiqChat) => part<HTMLTextAreaElement>(el, 'amoiq-chat-input', 'textarea');
const launcher = (el: AmoiqChat) => part<HTMLButtonElement>(el, '.launcher');
const panel = (el: AmoiqChat) => part(el, '.panel');

describe('<amoiq-chat>', () => {
  it('renders a closed launcher with an accessible name, and a hidden panel', async () => {
    const el = await chat();
    expect(launcher(el).getAttribute('aria-label')).to.equal('Open chat');
    expect(launcher(el).getAttribute('aria-expanded')).to.equal('false');
    expect(panel(el).hidden).to.equal(true);
    await expectAccessible(el);
  });

  it('opens on launcher click: fires amoiq-open, shows header, list and input, focuses the text box', async () => {
    const el = await chat('header-text=Support');
    const opened = oneEvent(el, 'amoiq-open');
    launcher(el).click();
    await opened;
    await el.updateComplete;
    expect(el.open).to.equal(true);
    expect(el.hasAttribute('open')).to.equal(true);
    expect(panel(el).hidden).to.equal(false);
    expect(part(el, 'amoiq-chat-header', 'h2').textContent).to.equal('Support');
    expect(part(el, 'amoiq-message-list', '[part="base"][aria-label="Conversation"]')).to.exist; // a region while empty, a feed once it holds messages
    expect(deepActiveElement()).to.equal(textarea(el));
    await expectAccessible(el);
  });

  it('reflects open and position, and opens from the attribute', async () => {
    const el = await chat();
    el.setAttribute('open', '');
    await el.updateComplete;
    expect(el.open).to.equal(true);
    el.position = 'top-left';
    await el.updateComplete;
    expect(el.getAttribute('position')).to.equal('top-left');
    expect(getComputedStyle(el).top).to.not.equal('auto');
    const closed = oneEvent(el, 'amoiq-close');
    el.hide();
    await closed;
    expect(el.hasAttribute('open')).to.equal(false);
  });

  it('open is a property as well as an attribute: assigning it opens and closes the panel without moving focus', async () => {
    // React 19 and Vue assign `open={true}` to the property; it used to overwrite the open() method.
    const el = await chat();
    const opened = oneEvent(el, 'amoiq-open');
    el.open = true;
    await opened;
    await el.updateComplete;
    expect(el.hasAttribute('open')).to.equal(true);
    expect(panel(el).hidden).to.equal(false);
    expect(deepActiveElement()).to.not.equal(textarea(el));
    expect(typeof el.show).to.equal('function');
    const closed = oneEvent(el, 'amoiq-close');
    el.open = false;
    await closed;
    await el.updateComplete;
    expect(el.hasAttribute('open')).to.equal(false);
    expect(panel(el).hidden).to.equal(true);
  });

  it('show() opens and focuses the text box; hide() closes and returns focus to the launcher', async () => {
    const el = await chat();
    el.show();
    await el.updateComplete;
    expect(el.open).to.equal(true);
    await until(() => deepActiveElement() === textarea(el), 'focus in the text box');
    el.hide();
    await el.updateComplete;
    expect(el.open).to.equal(false);
    expect(deepActiveElement()).to.equal(launcher(el));
    // Closing by the property from a page whose focus is elsewhere leaves the focus alone.
    const outside = document.createElement('button');
    document.body.append(outside);
    try {
      el.open = true;
      await el.updateComplete;
      outside.focus();
      el.open = false;
      await el.updateComplete;
      expect(document.activeElement).to.equal(outside);
    } finally {
      outside.remove();
    }
  });

  it('toggle() opens and closes', async () => {
    const el = await chat();
    el.toggle();
    await el.updateComplete;
    expect(el.open).to.equal(true);
    el.toggle();
    await el.updateComplete;
    expect(el.open).to.equal(false);
  });

  it('Enter sends, Shift+Enter inserts a newline', async () => {
    const el = await chat();
    el.show();
    await el.updateComplete;
    textarea(el).focus();
    await sendKeys({ type: 'first line' });
    await typeNewline();
    await sendKeys({ type: 'second line' });
    expect(textarea(el).value).to.equal('first line\nsecond line');
    const input = part<AmoiqChatInput>(el, 'amoiq-chat-input');
    const submitted = oneEvent(input, 'amoiq-input-submit');
    await sendKeys({ press: 'Enter' });
    const { detail } = await submitted;
    expect(detail.text).to.equal('first line\nsecond line');
    expect(textarea(el).value).to.equal('');
    await until(() => part(el, 'amoiq-message-list').shadowRoot!.textContent!.includes('second line'), 'the queued message');
    expect(part(el, 'amoiq-message-list', '.message.own .status').textContent).to.equal('Sending…');
  });

  it('keeps the send button disabled while the text is empty', async () => {
    const el = await chat('open');
    const send = part<HTMLButtonElement>(el, 'amoiq-chat-input', '.send');
    expect(send.disabled).to.equal(true);
    textarea(el).focus();
    await sendKeys({ type: 'hi' });
    await part<AmoiqChatInput>(el, 'amoiq-chat-input').updateComplete;
    expect(send.disabled).to.equal(false);
  });

  it('Escape closes the panel and returns focus to the launcher', async () => {
    const el = await chat();
    launcher(el).click();
    await el.updateComplete;
    expect(deepActiveElement()).to.equal(textarea(el));
    const closed = oneEvent(el, 'amoiq-close');
    await sendKeys({ press: 'Escape' });
    await closed;
    await el.updateComplete;
    expect(el.open).to.equal(false);
    expect(deepActiveElement()).to.equal(launcher(el));
  });

  it('send() refuses empty text with an amoiq-error event and a warning', async () => {
    const el = await chat();
    let error: { code: string } | undefined;
    el.addEventListener('amoiq-error', (e) => (error = e.detail));
    const warnings = await captureWarnings(() => {
      expect(el.send('   ')).to.equal(undefined);
    });
    expect(error?.code).to.equal('bad_request');
    expect(warnings).to.have.length(1);
  });

  it('shows the connection state in the header', async () => {
    const el = await chat('open');
    const status = () => part(el, 'amoiq-chat-header', '.status').textContent!;
    await until(() => status().includes('Offline'), 'offline state');
  });
});

describe('<amoiq-chat> bad attribute values', () => {
  it('an unknown position warns once naming the attribute and falls back to bottom-right', async () => {
    const warnings = await captureWarnings(async () => {
      const el = await chat('position=middle');
      expect(el.position).to.equal('bottom-right');
      el.setAttribute('position', 'sideways');
      await el.updateComplete;
      expect(el.position).to.equal('bottom-right');
    });
    const mine = warnings.filter((w) => w.includes('position'));
    expect(mine).to.have.length(1);
    expect(mine[0]).to.contain('"middle"');
  });

  it('an invalid theme-color warns and keeps the default accent; a valid one sets the launcher with white icons it carries', async () => {
    let el!: AmoiqChat;
    const warnings = await captureWarnings(async () => {
      el = await chat('theme-color=notacolour');
    });
    expect(warnings.filter((w) => w.includes('theme-color'))).to.have.length(1);
    expect(getComputedStyle(launcher(el)).backgroundColor).to.equal('rgb(0, 136, 255)');
    el.themeColor = '#111111';
    await el.updateComplete;
    expect(getComputedStyle(launcher(el)).backgroundColor).to.equal('rgb(17, 17, 17)');
    expect(getComputedStyle(launcher(el)).color).to.equal('rgb(255, 255, 255)');
    // A light brand colour: the launcher takes a darker tone of it on which the white icon reaches 3:1 (docs/theming.md).
    el.themeColor = '#ffee00';
    await until(() => getComputedStyle(launcher(el)).backgroundColor !== 'rgb(17, 17, 17)', 'the new colour');
    await until(() => getComputedStyle(launcher(el)).backgroundColor !== 'rgb(255, 238, 0)', 'the launcher tone of #ffee00');
    const light = getComputedStyle(launcher(el));
    expect(light.color).to.equal('rgb(255, 255, 255)');
    expect(contrast(light.backgroundColor, light.color)).to.be.at.least(3);
  });

  it('a missing tenant-id warns and the widget still opens and queues messages', async () => {
    let el!: AmoiqChat;
    const warnings = await captureWarnings(async () => {
      el = await fixture<AmoiqChat>(html`<amoiq-chat gateway-url=${OFFLINE} db-name=${`amoiq-test-${nanoid(8)}`}></amoiq-chat>`);
    });
    expect(warnings.filter((w) => w.includes('tenant-id'))).to.have.length(1);
    el.show();
    await el.updateComplete;
    expect(el.send('still works')?.status).to.equal('pending');
  });

  it('width and height accept CSS lengths and ignore anything else', async () => {
    let el!: AmoiqChat;
    const warnings = await captureWarnings(async () => {
      el = await chat('open width=420px height=banana');
    });
    expect(warnings.filter((w) => w.includes('height'))).to.have.length(1);
    expect(panel(el).getBoundingClientRect().width).to.equal(420);
    // The invalid height is ignored: the panel is as tall as one with no height (550px, capped
    // by the viewport).
    const plain = await chat('open');
    expect(panel(el).getBoundingClientRect().height).to.equal(panel(plain).getBoundingClientRect().height);
    expect(getComputedStyle(panel(plain)).height).to.equal(`${Math.min(550, innerHeight - 96)}px`);
  });

  it('the page’s own --amoiq-chat-width applies while the width attribute is not set', async () => {
    const el = await chat('open');
    el.style.setProperty('--amoiq-chat-width', '300px');
    await el.updateComplete;
    expect(panel(el).getBoundingClientRect().width).to.equal(300);
    el.width = '410px';
    await el.updateComplete;
    expect(panel(el).getBoundingClientRect().width).to.equal(410);
  });
});
