import { expect } from '@open-wc/testing';
import { ICON_CONTRAST, TEXT_CONTRAST, brandProperties, contrast, toHex, toneForWhite, type Rgb } from '../../src/styles/brand-tone.js';
import { TOKENS } from '../../src/styles/tokens.js';

const WHITE: Rgb = [255, 255, 255];

/** OKLCH-ish hue of a colour, in degrees, from its sRGB channels (HSL hue is enough to compare). */
function hue([r, g, b]: Rgb): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max === min) return NaN;
  const d = max - min;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

/** Every 17th value of each channel: 4,096 colours across the sRGB cube. */
function* cube(): Generator<Rgb> {
  for (let r = 0; r <= 255; r += 17) for (let g = 0; g <= 255; g += 17) for (let b = 0; b <= 255; b += 17) yield [r, g, b];
}

describe('brand tone (src/styles/brand-tone.ts)', () => {
  it('white text reaches 4.5:1 and white icons 3:1 on the tones of 4,096 colours', () => {
    let n = 0;
    for (const c of cube()) {
      expect(contrast(toneForWhite(c, TEXT_CONTRAST), WHITE), `text tone of ${toHex(c)}`).to.be.at.least(4.5);
      expect(contrast(toneForWhite(c, ICON_CONTRAST), WHITE), `icon tone of ${toHex(c)}`).to.be.at.least(3);
      n++;
    }
    expect(n).to.equal(4096);
  });

  it('keeps a colour that already passes exactly as it is', () => {
    for (const c of [
      [0, 0, 0],
      [107, 78, 255],
      [0, 80, 160],
      [120, 20, 20],
    ] as Rgb[]) {
      expect(toneForWhite(c, TEXT_CONTRAST)).to.deep.equal(c);
    }
    // The default blue passes for icons (3.5:1): the launcher keeps the exact brand colour.
    expect(toneForWhite([0, 136, 255], ICON_CONTRAST)).to.deep.equal([0, 136, 255]);
  });

  it('darkens only as much as needed: the text tone is close to the 4.5:1 line, not black', () => {
    for (const c of cube()) {
      if (contrast(c, WHITE) >= TEXT_CONTRAST) continue;
      const ratio = contrast(toneForWhite(c, TEXT_CONTRAST), WHITE);
      expect(ratio, `text tone of ${toHex(c)}`).to.be.below(5.2);
    }
  });

  it('keeps the hue of saturated colours (a blue stays blue, a yellow becomes olive, not grey)', () => {
    for (const c of [
      [0, 136, 255],
      [255, 238, 0],
      [255, 0, 0],
      [0, 200, 80],
      [255, 120, 200],
      [0, 220, 220],
    ] as Rgb[]) {
      const tone = toneForWhite(c, TEXT_CONTRAST);
      const delta = Math.abs(((hue(tone) - hue(c) + 540) % 360) - 180);
      expect(delta, `hue of ${toHex(c)} → ${toHex(tone)}`).to.be.below(12);
    }
    // A grey stays a grey.
    const grey = toneForWhite([160, 160, 160], TEXT_CONTRAST);
    expect(grey[0]).to.equal(grey[1]);
    expect(grey[1]).to.equal(grey[2]);
  });

  it("the tokens' defaults are the default brand colour's tones, with white on them", () => {
    const brand: Rgb = [0, 136, 255];
    expect(TOKENS['--amoiq-chat-brand-color']).to.equal('#0088ff');
    const props = brandProperties(brand);
    expect(props['--amoiq-chat-accent-color']).to.equal(TOKENS['--amoiq-chat-accent-color']);
    expect(props['--amoiq-chat-launcher-background']).to.equal('#0088ff');
    expect(TOKENS['--amoiq-chat-on-accent-color']).to.equal('#fff');
  });
});
