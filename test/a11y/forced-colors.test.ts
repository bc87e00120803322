import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { part } from '../helpers/dom.js';
import { agentMessages, listRoot, offlineChat, restore, until } from './helpers.js';

// Issue 18, point 9: in forced colours (Windows High Contrast) backgrounds and shadows are
// dropped, so the panel's edge and the bubbles need system-colour borders. The emulation is
// Chromium's own (CDP Emulation.setEmulatedMedia, test/plugins/a11y-tree.mjs), so the browser
// really overrides the colours; what is measured is the computed style it renders with.

const forcedColors = (active: boolean) => executeServerCommand('a11y-forced-colors', { active });

/** Whether an edge is drawn: a visible border in the colour of text on the canvas. */
function edge(el: Element): { drawn: boolean; style: string } {
  const s = getComputedStyle(el);
  const canvasText = (() => {
    const probe = document.createElement('div');
    probe.style.color = 'CanvasText';
    document.body.append(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  })();
  const drawn = s.borderTopStyle === 'solid' && parseFloat(s.borderTopWidth) >= 1 && s.borderTopColor === canvasText;
  return { drawn, style: `${s.borderTopStyle} ${s.borderTopWidth} ${s.borderTopColor} (CanvasText ${canvasText})` };
}

describe('a11y: forced colours', () => {
  afterEach(() => forcedColors(false));

  it('the panel and every bubble keep a system-colour edge', async () => {
    await forcedColors(true);
    expect(matchMedia('(forced-colors: active)').matches).to.equal(true);
    const el = await offlineChat({ open: true });
    restore(el, [...agentMessages(1, 2), { id: 'v3', seq: 3, clientId: 'k3', sender: { type: 'visitor' }, text: 'Mine' }]);
    await until(() => listRoot(el).querySelectorAll('.bubble').length >= 3, 'the bubbles');
    const panel = edge(part(el, '.panel'));
    expect(panel.drawn, `panel: ${panel.style}`).to.equal(true);
    for (const bubble of listRoot(el).querySelectorAll('.bubble')) {
      const b = edge(bubble);
      expect(b.drawn, `bubble "${bubble.textContent}": ${b.style}`).to.equal(true);
    }
  });
});
