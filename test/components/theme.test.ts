import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia, executeServerCommand, setViewport } from '@web/test-runner-commands';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { part, until } from '../helpers/dom.js';

const OFFLINE = 'http://127.0.0.1:9';

async function chat(attrs: { open?: boolean; theme?: string; color?: string } = {}): Promise<AmoiqChat> {
  const el = await fixture<AmoiqChat>(html`<amoiq-chat
    tenant-id="t"
    gateway-url=${OFFLINE}
    db-name=${`amoiq-test-${nanoid(8)}`}
    theme=${attrs.theme ?? 'light'}
    theme-color=${attrs.color ?? ''}
    ?open=${attrs.open}
  ></amoiq-chat>`);
  await el.updateComplete;
  return el;
}

/** WCAG 2.x contrast ratio of two computed `rgb(…)` colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = c
      .match(/[\d.]+/g)!
      .slice(0, 3)
      .map((v) => {
        const s = Number(v) / 255;
        return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const surface = (el: AmoiqChat) => getComputedStyle(part(el, '.panel')).backgroundColor;
/** Ends the panel's opening animation, so geometry is final. */
const settle = (el: AmoiqChat) =>
  part(el, '.panel')
    .getAnimations()
    .forEach((a) => a.finish());
const forcedColors = (active: boolean) => executeServerCommand('a11y-forced-colors', { active });

describe('theming', () => {
  afterEach(async () => {
    await forcedColors(false);
    await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
    await setViewport({ width: 800, height: 600 });
  });

  it("theme-color: white text on the accent tones at ≥ 4.5:1 (header, the visitor's bubbles), the launcher's icon at ≥ 3:1, for a range of colours", async () => {
    const el = await chat({ open: true });
    const colours = ['#0088FF', '#ffee00', '#777777', '#808080', 'rebeccapurple', 'oklch(70% 0.2 140)'];
    for (let h = 0; h < 360; h += 40) for (const l of [25, 45, 55, 70, 90]) colours.push(`hsl(${h} 80% ${l}%)`);
    // The tones come with a chunk loaded the first time a colour is configured.
    el.themeColor = '#ffee00';
    await until(() => getComputedStyle(part(el, 'amoiq-chat-header', '.base')).backgroundColor !== 'rgb(0, 118, 223)', 'the tones');
    for (const colour of colours) {
      el.themeColor = colour;
      await el.updateComplete;
      const launcher = getComputedStyle(part(el, '.launcher'));
      expect(launcher.color, colour).to.equal('rgb(255, 255, 255)');
      expect(contrast(launcher.backgroundColor, launcher.color), `${colour} on the launcher`).to.be.at.least(3);
      const header = getComputedStyle(part(el, 'amoiq-chat-header', '.base'));
      expect(header.color, colour).to.equal('rgb(255, 255, 255)');
      expect(contrast(header.backgroundColor, header.color), `${colour} on the header`).to.be.at.least(4.5);
    }
  });

  it('the default #0088ff: white text on a deeper tone in the header, the exact brand colour on the launcher', async () => {
    const el = await chat({ open: true });
    const launcher = getComputedStyle(part(el, '.launcher'));
    expect(launcher.backgroundColor).to.equal('rgb(0, 136, 255)');
    expect(launcher.color).to.equal('rgb(255, 255, 255)');
    const header = getComputedStyle(part(el, 'amoiq-chat-header', '.base'));
    expect(header.color).to.equal('rgb(255, 255, 255)');
    expect(header.backgroundColor).to.equal('rgb(0, 118, 223)');
    expect(contrast(header.backgroundColor, header.color)).to.be.at.least(4.5);
  });

  it('a brand colour set in CSS gets its tones too; a tone the page sets itself wins', async () => {
    const el = await chat({ open: true });
    el.style.setProperty('--amoiq-chat-brand-color', '#ffee00');
    el.requestUpdate();
    const header = () => getComputedStyle(part(el, 'amoiq-chat-header', '.base'));
    await until(() => header().backgroundColor !== 'rgb(0, 118, 223)', 'the tones of the CSS brand colour');
    expect(contrast(header().backgroundColor, header().color)).to.be.at.least(4.5);
    el.style.setProperty('--amoiq-chat-accent-color', 'rgb(90, 0, 0)');
    el.requestUpdate();
    await el.updateComplete;
    expect(header().backgroundColor).to.equal('rgb(90, 0, 0)');
  });

  it('theme="dark" switches the surface and text colours; the page can still override them', async () => {
    const el = await chat({ open: true });
    expect(surface(el)).to.equal('rgb(255, 255, 255)');
    el.theme = 'dark';
    await el.updateComplete;
    expect(el.getAttribute('theme')).to.equal('dark');
    expect(surface(el)).to.equal('rgb(31, 33, 37)');
    const text = getComputedStyle(part(el, 'amoiq-chat-input', 'textarea')).color;
    expect(contrast(surface(el), text)).to.be.at.least(4.5);
    el.style.setProperty('--amoiq-chat-surface-color', 'rgb(0, 0, 80)');
    expect(getComputedStyle(part(el, '.panel')).backgroundColor).to.equal('rgb(0, 0, 80)');
  });

  it('theme="auto" follows prefers-color-scheme', async () => {
    const el = await chat({ open: true, theme: 'auto' });
    await emulateMedia({ colorScheme: 'light' });
    expect(surface(el)).to.equal('rgb(255, 255, 255)');
    await emulateMedia({ colorScheme: 'dark' });
    expect(surface(el)).to.equal('rgb(31, 33, 37)');
  });

  it('fills the screen under 480px of viewport width', async () => {
    await setViewport({ width: 400, height: 700 });
    const el = await chat({ open: true });
    settle(el);
    const rect = part(el, '.panel').getBoundingClientRect();
    expect([rect.left, rect.top, rect.width, rect.height]).to.deep.equal([0, 0, 400, 700]);
    await setViewport({ width: 800, height: 700 });
    expect(part(el, '.panel').getBoundingClientRect().width).to.equal(350);
  });

  it('fills the screen under 480px of viewport height too (a desktop zoomed to 200 %: 640 × 400), modal there', async () => {
    await setViewport({ width: 640, height: 400 });
    const el = await chat({ open: true });
    settle(el);
    const rect = part(el, '.panel').getBoundingClientRect();
    expect([rect.left, rect.top, rect.width, rect.height]).to.deep.equal([0, 0, 640, 400]);
    expect(part(el, '.panel').getAttribute('aria-modal')).to.equal('true');
    await setViewport({ width: 800, height: 700 });
    await el.updateComplete;
    expect(part(el, '.panel').getBoundingClientRect().width).to.equal(350);
  });

  it('reflows at 320px wide: nothing in the panel scrolls sideways', async () => {
    await setViewport({ width: 320, height: 640 });
    const el = await chat({ open: true });
    el.send('A long message without spaces: ' + 'x'.repeat(300));
    await el.updateComplete;
    await until(() => !!part(el, 'amoiq-message-list').shadowRoot!.querySelector('.message.own'), 'the long message to render');
    settle(el);
    expect(part(el, '.panel').getBoundingClientRect().width).to.equal(320);
    const roots = [el.shadowRoot!, ...['amoiq-chat-header', 'amoiq-message-list', 'amoiq-chat-input'].map((t) => part(el, t).shadowRoot!)];
    for (const root of roots) {
      for (const node of root.querySelectorAll<HTMLElement>('*')) {
        const r = node.getBoundingClientRect();
        if (r.width === 0 || node.closest('.visually-hidden')) continue; // clipped to 1px on purpose
        expect(r.right, `${node.tagName}.${node.className} right edge`).to.be.at.most(320.5);
        expect(node.scrollWidth - node.clientWidth, `${node.tagName}.${node.className} sideways scroll`).to.be.at.most(1);
      }
    }
  });

  it('custom launcher and header content go into the slots', async () => {
    const el = await fixture<AmoiqChat>(html`<amoiq-chat tenant-id="t" gateway-url=${OFFLINE} db-name=${`amoiq-test-${nanoid(8)}`} open>
      <span slot="launcher" id="l">Help</span>
      <img slot="header" id="h" alt="Acme" width="24" height="24" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" />
    </amoiq-chat>`);
    const launcherSlot = part<HTMLSlotElement>(el, 'slot[name="launcher"]');
    expect(launcherSlot.assignedElements()).to.deep.equal([el.querySelector('#l')]);
    expect(part(el, '.launcher').contains(launcherSlot)).to.equal(true);
    const headerSlot = part<HTMLSlotElement>(el, 'slot[name="header"]');
    expect(headerSlot.assignedElements()).to.deep.equal([el.querySelector('#h')]);
    // The image renders inside the header bar.
    const bar = part(el, 'amoiq-chat-header', '.base').getBoundingClientRect();
    const img = el.querySelector('#h')!.getBoundingClientRect();
    expect(img.top).to.be.at.least(bar.top);
    expect(img.bottom).to.be.at.most(bar.bottom);
  });

  it('prefers-reduced-motion turns off the panel animation and launcher transition', async () => {
    const el = await chat({ open: true });
    expect(getComputedStyle(part(el, '.panel')).animationName).to.equal('amoiq-chat-open');
    expect(getComputedStyle(part(el, '.launcher')).transitionDuration).to.not.equal('0s');
    await emulateMedia({ reducedMotion: 'reduce' });
    expect(getComputedStyle(part(el, '.panel')).animationName).to.equal('none');
    expect(getComputedStyle(part(el, '.launcher')).transitionDuration).to.equal('0s');
  });

  it('in forced-colors mode every button keeps a visible border', async () => {
    const el = await chat({ open: true });
    await forcedColors(true);
    expect(matchMedia('(forced-colors: active)').matches).to.equal(true);
    const buttons = [part(el, '.launcher'), part(el, 'amoiq-chat-header', '.close'), part(el, 'amoiq-chat-input', '.send')];
    for (const b of buttons) {
      const s = getComputedStyle(b);
      expect(s.borderTopStyle, b.className).to.equal('solid');
      expect(parseFloat(s.borderTopWidth), b.className).to.be.at.least(1);
    }
  });

  it('every button is at least 24×24 px', async () => {
    const el = await chat({ open: true });
    el.send('hello');
    await el.updateComplete;
    const roots = [el.shadowRoot!, ...['amoiq-chat-header', 'amoiq-message-list', 'amoiq-chat-input'].map((t) => part(el, t).shadowRoot!)];
    const buttons = roots.flatMap((r) => [...r.querySelectorAll('button')]);
    expect(buttons.length).to.be.at.least(3);
    for (const b of buttons) {
      const r = b.getBoundingClientRect();
      expect(r.width, b.className).to.be.at.least(24);
      expect(r.height, b.className).to.be.at.least(24);
    }
  });
});
