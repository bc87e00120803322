import { expect } from '@open-wc/testing';
import { captureWarnings, until } from '../helpers/dom.js';
import { agentSays, injectFrames, mountOnline, renderedText, type RawFrame } from './widget.js';

// Malformed or unexpected server frames, written as is into the real widget's WebSocket by the
// reference backend's test-only hook: the widget warns once per kind, ignores them and keeps
// working (receives and sends) on the same connection.

const message = (fields: Record<string, unknown>) => JSON.stringify({ type: 'message', message: fields });

/** Builds the hostile frames: at least 100, grouped by kind. */
function hostileFrames(conversationId: string): RawFrame[] {
  const good = { id: 'm_x', conversationId, seq: 1, sender: { type: 'agent' }, text: 'x', createdAt: new Date().toISOString() };
  const frames: RawFrame[] = [];
  const repeat = (n: number, frame: RawFrame) => {
    for (let i = 0; i < n; i++) frames.push(frame);
  };
  // Not JSON, not an object, no type.
  for (const text of ['{', 'nul', '{"type":', '}{', '<html>', '\u0000', '', ' ', '{"type":"message",}', "{'type':'message'}"])
    repeat(2, text);
  for (const text of [
    '1',
    '"message"',
    'null',
    'true',
    '[]',
    '[{"type":"message"}]',
    '{}',
    '{"type":5}',
    '{"type":null}',
    '{"type":["message"]}',
  ])
    repeat(2, text);
  // Unknown types (five kinds, four times each).
  for (const type of ['delete_everything', 'eval', 'x-future', '__proto__', 'MESSAGE'])
    repeat(4, JSON.stringify({ type, payload: '<img src=x onerror=alert(1)>' }));
  // Known types with missing or wrongly typed fields.
  const broken = [
    JSON.stringify({ type: 'message' }),
    message({}),
    message({ ...good, seq: '1' }),
    message({ ...good, seq: -3 }),
    message({ ...good, seq: 1.5 }),
    message({ ...good, text: 42 }),
    message({ ...good, text: null }),
    message({ ...good, sender: 'agent' }),
    message({ ...good, sender: { type: 'root' } }),
    message({ ...good, sender: { type: 'agent', name: { toString: 'x' } } }),
    message({ ...good, createdAt: 'yesterday' }),
    message({ ...good, id: '' }),
    message({ ...good, clientId: 7 }),
    message({ ...good, quickReplies: 'yes' }),
    JSON.stringify({ type: 'ack' }),
    JSON.stringify({ type: 'ack', clientId: 'abc', message: {} }),
    JSON.stringify({ type: 'typing', typing: 'yes', sender: { type: 'agent' } }),
    JSON.stringify({ type: 'typing', typing: true, sender: null }),
    JSON.stringify({ type: 'error' }),
    JSON.stringify({ type: 'ready' }),
  ];
  for (const frame of broken) repeat(2, frame);
  // Prototype pollution attempts.
  repeat(2, `{"type":"message","__proto__":{"polluted":"yes"},"message":${JSON.stringify(good)}}`.replace('"seq":1', '"seq":"1"'));
  repeat(2, '{"type":"pong","constructor":{"prototype":{"polluted":"yes"}}}');
  // Huge payloads: 2 MB of non-JSON, 1 MB unknown type, a 1 MB broken message.
  frames.push({ prefix: '{"type":"message","message":', fill: '[', times: 2_000_000 });
  frames.push({ prefix: '{"type":"x-huge","data":"', fill: 'A', times: 1_000_000, suffix: '"}' });
  frames.push({
    prefix: `{"type":"message","message":{"id":"m_h","conversationId":"${conversationId}","seq":"`,
    fill: '9',
    times: 1_000_000,
    suffix: '"}}',
  });
  // Well-formed but not ours: another conversation's message, an ack nobody waits for.
  repeat(2, message({ ...good, conversationId: 'c_someone_else', text: 'NOT FOR THIS VISITOR' }));
  repeat(
    2,
    JSON.stringify({
      type: 'ack',
      clientId: 'nobody-waits-for-this',
      message: { ...good, conversationId: 'c_someone_else', text: 'NOT FOR THIS VISITOR' },
    }),
  );
  return frames;
}

describe('security: malformed server frames', () => {
  it('ignores 100+ malformed frames with one warning per kind, then still receives and sends', async () => {
    const { el, conversationId } = await mountOnline();
    const frames = hostileFrames(conversationId);
    expect(frames.length).to.be.at.least(100);
    const errors: unknown[] = [];
    const onError = (e: ErrorEvent) => errors.push(e.error ?? e.message);
    window.addEventListener('error', onError);
    const warnings = await captureWarnings(async () => {
      await injectFrames(conversationId, frames);
      // A real message after the junk proves the connection and its order survived.
      expect(await agentSays(conversationId, 'still here after the junk')).to.equal(201);
      await until(() => renderedText(el).includes('still here after the junk'), 'the agent message', 15_000);
    });
    window.removeEventListener('error', onError);
    console.log(`[frames] ${frames.length} malformed frames → ${warnings.length} warnings`);

    expect(errors).to.deep.equal([]);
    expect(el.connectionState === 'online').to.equal(true);
    expect(renderedText(el)).not.to.contain('NOT FOR THIS VISITOR');
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    // One warning per kind: never the same line twice, and far fewer lines than frames.
    expect(new Set(warnings).size).to.equal(warnings.length);
    expect(warnings.length).to.be.within(5, 60);
    for (const w of warnings) expect(w).to.contain('[amoiq-chat]');

    const sent = new Promise<void>((resolve) =>
      el.addEventListener(
        'amoiq-message',
        (e) => e.detail.direction === 'sent' && e.detail.message.text === 'and I can still write' && resolve(),
      ),
    );
    expect(el.send('and I can still write')).to.not.equal(undefined);
    await sent;
  });
});
