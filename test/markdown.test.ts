import { expect, fixture, html } from '@open-wc/testing';
import { parseInline, parseMarkdown, renderMarkdown, safeUrl, type Inline } from '../src/components/message-list/markdown.js';

/** Renders text to a detached element, the way the message list does. */
async function rendered(text: string): Promise<HTMLElement> {
  return fixture<HTMLElement>(html`<div>${renderMarkdown(parseMarkdown(text))}</div>`);
}

/** Inline tokens as compact strings, for readable expectations. */
function show(tokens: Inline[]): string {
  return tokens
    .map((t) => {
      switch (t.type) {
        case 'text':
          return t.text;
        case 'br':
          return '⏎';
        case 'code':
          return `<code:${t.text}>`;
        case 'link':
          return `<a ${t.href}:${t.text}>`;
        default:
          return `<${t.type}:${show(t.children)}>`;
      }
    })
    .join('');
}
const inline = (text: string) => show(parseInline(text));
/** The visible text of inline tokens. */
const plain = (tokens: Inline[]): string =>
  tokens.map((t) => (t.type === 'br' ? '\n' : 'children' in t ? plain(t.children) : t.text)).join('');

describe('markdown: inline', () => {
  it('parses bold, italic, code and line breaks', () => {
    expect(inline('**bold** and *it* and __b__ and _i_')).to.equal('<strong:bold> and <em:it> and <strong:b> and <em:i>');
    expect(inline('use `npm i` now')).to.equal('use <code:npm i> now');
    expect(inline('one\ntwo')).to.equal('one⏎two');
    expect(inline('**bold with *italic* inside**')).to.equal('<strong:bold with <em:italic> inside>');
  });

  it('leaves unbalanced, spaced or in-word markers as text', () => {
    expect(inline('2 * 3 * 4')).to.equal('2 * 3 * 4');
    expect(inline('**not closed')).to.equal('**not closed');
    expect(inline('snake_case_name')).to.equal('snake_case_name');
    expect(inline('a ** b **')).to.equal('a ** b **');
    expect(inline('`unclosed code')).to.equal('`unclosed code');
    expect(inline('*a **b* c**')).to.equal('<em:a **b> c**');
    expect(inline('\\*escaped\\*')).to.equal('*escaped*');
  });

  it('does not parse markup inside code', () => {
    expect(inline('`**x** [a](https://a.test)`')).to.equal('<code:**x** [a](https://a.test)>');
  });

  it('makes links of [text](url) and bare http(s) URLs, without trailing punctuation', () => {
    expect(inline('[docs](https://example.com/a?b=1)')).to.equal('<a https://example.com/a?b=1:docs>');
    expect(inline('see https://example.com/x.')).to.equal('see <a https://example.com/x:https://example.com/x>.');
    expect(inline('(http://example.com)')).to.equal('(<a http://example.com/:http://example.com>)');
    expect(inline('[mail us](mailto:help@example.com)')).to.equal('<a mailto:help@example.com:mail us>');
    expect(inline('**https://example.com**')).to.equal('<strong:<a https://example.com/:https://example.com>>');
  });

  it('keeps links with unsafe targets as plain text', () => {
    for (const text of [
      '[x](javascript:alert(1))',
      '[x](JaVaScRiPt:alert(1))',
      '[x](java\tscript:alert(1))',
      '[x](data:text/html;base64,PHNjcmlwdD4=)',
      '[x](vbscript:msgbox(1))',
      '[x](//evil.test)',
      '[x](/relative)',
      '[x](https:evil.test)',
      '[x](\u200bhttps://evil.test)',
      '[x](https://evil.test\u202e/gpj.exe)',
      '[x](mailto:nobody)',
      '[x](file:///etc/passwd)',
    ]) {
      const tokens = parseInline(text);
      // No link named "x"; a bare URL that follows may still be linked, showing its own address.
      expect(
        tokens.some((t) => t.type === 'link' && (t.text === 'x' || !t.href.startsWith(t.text))),
        text,
      ).to.equal(false);
      expect(plain(tokens), text).to.equal(text);
    }
    expect(inline('javascript:alert(1)')).to.equal('javascript:alert(1)');
  });
});

describe('markdown: safeUrl', () => {
  it('accepts absolute http(s) and mailto URLs and normalizes them', () => {
    expect(safeUrl('https://example.com')).to.equal('https://example.com/');
    expect(safeUrl('HTTP://EXAMPLE.com/a')).to.equal('http://example.com/a');
    expect(safeUrl('mailto:a@b.test')).to.equal('mailto:a@b.test');
  });

  it('refuses everything else', () => {
    for (const url of [
      'javascript:alert(1)',
      ' https://a.test',
      'https://a.test b',
      'http://',
      'https//a.test',
      'ftp://a.test',
      '\u0000https://a.test',
      'https://a.test\u0000',
    ]) {
      expect(safeUrl(url), JSON.stringify(url)).to.equal(undefined);
    }
  });
});

describe('markdown: blocks', () => {
  it('parses paragraphs, code blocks and lists', () => {
    const blocks = parseMarkdown('Hello\nthere\n\n```\nconst a = 1 < 2;\n**no**\n```\n- one\n- *two*\n\n3. three\n4. four');
    expect(blocks.map((b) => b.type)).to.deep.equal(['paragraph', 'code', 'list', 'list']);
    expect(blocks[1]).to.deep.equal({ type: 'code', text: 'const a = 1 < 2;\n**no**' });
    expect(blocks[2]).to.include({ ordered: false, start: 1 });
    expect(blocks[3]).to.include({ ordered: true, start: 3 });
  });

  it('runs an unclosed fence to the end of the message', () => {
    expect(parseMarkdown('a\n```\ncode')).to.deep.equal([
      { type: 'paragraph', children: [{ type: 'text', text: 'a' }] },
      { type: 'code', text: 'code' },
    ]);
  });
});

describe('markdown: rendering', () => {
  it('renders elements, with links opening in a new tab without opener or referrer', async () => {
    const el = await rendered('**b** *i* `c`\n\n- [x](https://x.test)\n\n1. y\n\n```\npre\n```');
    expect(el.querySelector('strong')!.textContent).to.equal('b');
    expect(el.querySelector('em')!.textContent).to.equal('i');
    expect(el.querySelector('p code')!.textContent).to.equal('c');
    const a = el.querySelector('ul li a') as HTMLAnchorElement;
    expect([a.href, a.target, a.rel]).to.deep.equal(['https://x.test/', '_blank', 'noopener noreferrer']);
    expect(el.querySelector('ol li')!.textContent).to.equal('y');
    expect(el.querySelector('pre code')!.textContent).to.equal('pre');
  });

  it('renders raw HTML as text', async () => {
    const hostile = '<img src=x onerror="window.mdPwned=1"><script>window.mdPwned=1</script><a href="javascript:x">a</a>';
    const el = await rendered(hostile);
    expect(el.querySelectorAll('img, script, a')).to.have.length(0);
    expect(el.textContent).to.equal(hostile);
    expect((window as { mdPwned?: number }).mdPwned).to.equal(undefined);
  });

  it('keeps an unsafe link visible as text', async () => {
    const el = await rendered('[click](javascript:alert(document.cookie))');
    expect(el.querySelector('a')).to.equal(null);
    expect(el.textContent).to.equal('[click](javascript:alert(document.cookie))');
  });
});

describe('markdown: hostile input', () => {
  const fast = (text: string) => {
    const start = performance.now();
    const blocks = parseMarkdown(text);
    const ms = performance.now() - start;
    expect(ms, `${text.slice(0, 20)}… took ${ms} ms`).to.be.below(1000);
    return blocks;
  };

  it('parses 100 KB pathological strings in well under a second', () => {
    const k100 = (unit: string) => unit.repeat(Math.ceil(100_000 / unit.length));
    for (const text of [
      k100('*'),
      k100('*a '),
      k100('**a '),
      k100('_a '),
      k100('`'),
      k100('['),
      k100('[a]('),
      k100('[a](https://x.test '),
      k100('https://'),
      k100('a *b _c `d [e'),
      k100('- '),
      k100('```\n'),
      k100('*' + 'a'.repeat(50)),
      '*'.repeat(50_000) + 'a' + '*'.repeat(50_000),
    ]) {
      fast(text);
    }
  });

  it('keeps every character of a deeply nested or broken input', () => {
    const nested = '**'.repeat(40) + 'x' + '**'.repeat(40);
    expect(plain(parseInline(nested)).replace(/\*/g, '')).to.equal('x');
    expect(parseInline('[a](https://x.test) [b](').length).to.be.above(0);
  });
});

describe('markdown: long links (issue 15, small oddities)', () => {
  it('wraps a long URL between its parts, never inside a word, and keeps its text', async () => {
    const url = 'https://shop.example.com/help/articles/returns/exchanges/policy?order=42';
    const el = await fixture<HTMLElement>(
      html`<div style="inline-size: 9rem; overflow-wrap: break-word; font: 16px/1.4 sans-serif">${renderMarkdown(parseMarkdown(url))}</div>`,
    );
    const link = el.querySelector('a')!;
    expect(link.textContent).to.equal(url);
    expect(link.href).to.equal(url);
    expect(link.querySelectorAll('wbr').length).to.be.greaterThan(3);
    // Every word of the URL is drawn on one line: its first and last letters share a line.
    const text = [...link.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE);
    const top = (node: Node, i: number) => {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      return Math.round(range.getBoundingClientRect().top);
    };
    const lines = new Set<number>();
    for (const node of text) {
      const s = node.textContent!;
      if (s.length > 14) continue; // a part longer than the line may still be broken
      expect(top(node, 0), s).to.equal(top(node, s.length - 1));
      lines.add(top(node, 0));
    }
    expect(lines.size).to.be.greaterThan(1); // it did wrap
  });
});
