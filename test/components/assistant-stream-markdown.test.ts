import { expect } from '@open-wc/testing';
import { StreamMarkdown } from '../../src/components/assistant-stream/stream-markdown.js';
import { parseMarkdown } from '../../src/components/message-list/markdown.js';

const ANSWER = [
  'To return an item, **open your orders** and pick _Return_.',
  '',
  '1. Choose the item',
  '2. Print the label',
  '',
  '```',
  'Order 1234',
  '',
  'still code',
  '```',
  'After the fence, a [link](https://example.com/returns) and `code`.',
  '',
  '   ',
  '- a bullet',
  '- another with *emphasis',
  'across lines*',
  '',
  'Last paragraph with a bare link https://example.com/help.',
].join('\n');

function streamed(text: string, size: number): StreamMarkdown {
  const md = new StreamMarkdown();
  for (let i = 0; i < text.length; i += size) md.append(text.slice(i, i + size));
  return md;
}

describe('StreamMarkdown', () => {
  it('gives the blocks parseMarkdown gives the whole text, however the text is cut', () => {
    const whole = JSON.stringify(parseMarkdown(ANSWER));
    for (const size of [1, 2, 3, 7, 20, 64, ANSWER.length]) {
      const md = streamed(ANSWER, size);
      expect(JSON.stringify(md.blocks()), `deltas of ${size}`).to.equal(whole);
      expect(md.value).to.equal(ANSWER);
    }
  });

  it('keeps completed chunks: they are parsed and rendered once', () => {
    const md = new StreamMarkdown();
    md.append('First paragraph.\n\nSecond');
    expect(md.chunks).to.have.length(1);
    const first = md.chunks[0];
    const templates = first.templates;
    md.append(' paragraph grows');
    md.append(' more.\n\nThird');
    expect(md.chunks[0]).to.equal(first);
    expect(md.chunks[0].templates).to.equal(templates);
    expect(md.chunks).to.have.length(2);
  });

  it('gives the tail the key of the chunk it becomes, and a new part only when its text changed', () => {
    const md = new StreamMarkdown();
    md.append('First paragraph.\n\nSecond');
    const [first, tail] = md.parts();
    expect(first).to.equal(md.chunks[0]);
    expect(md.parts()[1], 'read again with no new text').to.equal(tail);
    md.append(' paragraph');
    const grown = md.parts()[1];
    expect(grown).to.not.equal(tail);
    expect(grown.id, 'the same key while it grows').to.equal(tail.id);
    md.append(' ends.\n\n');
    const parts = md.parts();
    expect(parts, 'no tail after a boundary').to.have.length(2);
    expect(parts[0]).to.equal(first);
    expect(parts[1]).to.equal(md.chunks[1]);
    expect(parts[1].id, 'the completed chunk keeps the key its tail had').to.equal(tail.id);
    expect(new Set(md.parts().map((p) => p.id)).size).to.equal(2);
  });

  it('does not cut inside a fenced code block, even at a blank line', () => {
    const md = streamed('```\ncode\n\nmore code\n', 3);
    expect(md.chunks).to.have.length(0);
    md.append('```\n');
    expect(md.chunks).to.have.length(1);
    expect(md.chunks[0].blocks).to.deep.equal([{ type: 'code', text: 'code\n\nmore code' }]);
  });

  it('joins a \\r\\n split between two deltas', () => {
    const md = new StreamMarkdown();
    md.append('a\r');
    md.append('\n\r\nb');
    expect(md.value).to.equal('a\n\nb');
    expect(md.chunks).to.have.length(1);
  });

  it('reset replaces the text (a snapshot after a reconnect)', () => {
    const md = streamed('Old text.\n\nMore', 4);
    md.reset('New **text**');
    expect(md.chunks).to.have.length(0);
    expect(md.plainText()).to.equal('New text');
  });
});
