import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { ReadController } from '../../src/controllers/read-controller.js';
import type { ChatService } from '../../src/services/chat-service.js';
import { until } from '../helpers/until.js';

/** A host that re-renders on demand, with a ReadController over a service that counts markRead(). */
class ReadHost extends LitElement {
  calls = 0;
  open = true;
  readonly service = { markRead: () => void this.calls++ } as unknown as ChatService;
  constructor() {
    super();
    new ReadController(
      this,
      () => this.service,
      () => this.open,
    );
  }
}
customElements.define('read-controller-host', ReadHost);

const task = () =>
  new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
const frame = () => new Promise((r) => requestAnimationFrame(r));

describe('ReadController', () => {
  it('reports read after an update at once, and once more at the next frame for a burst of updates', async () => {
    const el = await fixture<ReadHost>(html`<read-controller-host></read-controller-host>`);
    await frame();
    await frame();
    const before = el.calls;
    // 30 updates, each in a task of its own (a burst of messages, each a new state).
    const start = performance.now();
    for (let i = 0; i < 30; i++) {
      el.requestUpdate();
      await el.updateComplete;
      await task();
    }
    const took = performance.now() - start;
    expect(el.calls - before, 'the first update reports at once').to.be.at.least(1);
    await frame();
    await frame();
    // At most one report per frame the burst spanned, plus the one that follows it: never one per update.
    expect(el.calls - before, `reports for 30 updates over ${took.toFixed(0)} ms`).to.be.at.most(Math.ceil(took / 16) + 2);
    expect(el.calls - before).to.be.below(15);
  });

  it('reports nothing while the panel is closed, and again once it is open', async () => {
    const el = await fixture<ReadHost>(html`<read-controller-host></read-controller-host>`);
    await frame();
    await frame();
    el.open = false;
    const before = el.calls;
    el.requestUpdate();
    await el.updateComplete;
    await frame();
    await frame();
    expect(el.calls).to.equal(before);
    el.open = true;
    el.requestUpdate();
    await until(() => el.calls > before, 'reported once open');
  });
});
