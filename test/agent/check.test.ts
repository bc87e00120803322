import { expect } from '@open-wc/testing';
import { checkConversation, checkFrame, checkMessage } from '../../demo/agent/src/check.js';

/** The agent console's checks of what the backend sends (demo/agent/src/check.ts). */
describe('agent console: frame and object checks', () => {
  const originalWarn = console.warn;
  let warnings: string[] = [];
  beforeEach(() => {
    warnings = [];
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
  });
  afterEach(() => (console.warn = originalWarn));

  const message = {
    id: 'm_1',
    conversationId: 'c_1',
    seq: 3,
    sender: { type: 'agent', id: 'a_1', name: 'Ada' },
    text: 'Pick one',
    createdAt: '2026-11-22T10:00:00.000Z',
    quickReplies: ['Yes', 'No'],
    attachments: [{ id: 'f_1', name: 'a.png', type: 'image/png', size: 10, url: 'http://x.test/files/f_1/a.png' }],
  };
  const conversation = {
    id: 'c_1',
    visitorRef: 'v_1',
    status: 'closed',
    lastSeq: 3,
    lastMessage: message,
    createdAt: '2026-11-22T10:00:00.000Z',
    updatedAt: '2026-11-22T10:00:00.000Z',
    visitorReadSeq: 2,
    agentReadSeq: 3,
    contact: { name: 'Grace', email: 'g@example.org', fields: { plan: 'pro' } },
    user: { id: 'u_1', name: 'Grace' },
  };

  it('passes well-formed frames of every known type through unchanged', () => {
    const frames = [
      { type: 'message', message },
      { type: 'conversation', conversation },
      { type: 'read', conversationId: 'c_1', reader: 'visitor', seq: 3 },
      { type: 'typing', conversationId: 'c_1', sender: { type: 'visitor' }, typing: true },
      { type: 'error', code: 'bad_request', message: 'no' },
    ];
    for (const frame of frames) expect(checkFrame(structuredClone(frame))).to.deep.equal(frame);
    expect(warnings).to.deep.equal([]);
  });

  it('knows the assistant’s frames: queue, handoff, feedback and rating pass as news (the panels read the API); streams are left to the live answer’s feed, without a warning', () => {
    expect(checkFrame({ type: 'queue', queue: [{ position: 1 }] })).to.deep.equal({ type: 'queue' });
    for (const type of ['handoff', 'feedback', 'rating'])
      expect(checkFrame({ type, conversationId: 'c_1', handoff: { state: 'queued' } })).to.deep.equal({ type, conversationId: 'c_1' });
    for (const type of ['stream_start', 'stream_delta', 'stream_end', 'streams'])
      expect(checkFrame({ type, streamId: 's_1' })).to.equal(null);
    expect(warnings).to.deep.equal([]);
    expect(checkFrame({ type: 'handoff' })).to.equal(null);
    expect(warnings.join('\n')).to.contain('"handoff"');
  });

  it('drops malformed frames with one warning per kind, however many arrive', () => {
    for (let i = 0; i < 3; i++) {
      expect(checkFrame({ type: 'read', conversationId: 'c_1', reader: 'visitor', seq: -1 })).to.equal(null);
      expect(checkFrame({ type: 'shiny-new-thing' })).to.equal(null);
      expect(checkFrame({ type: 'message', message: { ...message, seq: 'three' } })).to.equal(null);
    }
    expect(warnings).to.have.length(3);
    expect(warnings.join('\n')).to.contain('"read"').and.to.contain('shiny-new-thing');
  });

  it('keeps a message or conversation whose optional additions are malformed, without them', () => {
    const checked = checkMessage({ ...message, id: 'm_2', attachments: [{ id: 'f_1' }], quickReplies: [1, 2] })!;
    expect(checked.text).to.equal('Pick one');
    expect(checked).not.to.have.property('attachments');
    expect(checked).not.to.have.property('quickReplies');

    const c = checkConversation({
      ...conversation,
      id: 'c_2',
      agentReadSeq: '3',
      contact: { fields: { plan: 7 } },
      user: { name: 'no id' },
    })!;
    expect(c.lastSeq).to.equal(3);
    expect(c).not.to.have.property('agentReadSeq');
    expect(c).not.to.have.property('contact');
    expect(c).not.to.have.property('user');
    expect(c.visitorReadSeq).to.equal(2);
    expect(warnings.length).to.be.greaterThan(0);
  });
});
