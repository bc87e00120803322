import { expect } from '@open-wc/testing';
import { currentVisitorContext } from '../../src/protocol/visitor-context.js';

type Global = { Temporal?: unknown };

/** Runs `fn` with `globalThis.Temporal` replaced and `Intl.DateTimeFormat` counted; restores both. */
function withEngine<T>(temporal: unknown, fn: () => T): { value: T; formatters: number } {
  const g = globalThis as Global;
  const hadTemporal = 'Temporal' in g;
  const savedTemporal = g.Temporal;
  const Real = Intl.DateTimeFormat;
  let formatters = 0;
  const Counting = function (...args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
    formatters++;
    return new Real(...args);
  } as unknown as typeof Intl.DateTimeFormat;
  try {
    g.Temporal = temporal;
    Intl.DateTimeFormat = Counting;
    return { value: fn(), formatters };
  } finally {
    Intl.DateTimeFormat = Real;
    if (hadTemporal) g.Temporal = savedTemporal;
    else delete g.Temporal;
  }
}

describe('visitor context: the time zone without a date formatter (first load, issue 17)', () => {
  const page = { href: 'https://shop.example/cart?token=x', language: 'fr-fr' };

  it('takes the zone from Temporal.Now when there is one: no Intl.DateTimeFormat is built', () => {
    const { value, formatters } = withEngine({ Now: { timeZoneId: () => 'Europe/Paris' } }, () => currentVisitorContext(page));
    expect(value).to.deep.equal({ pageUrl: 'https://shop.example/cart', timezone: 'Europe/Paris', locale: 'fr-FR' });
    expect(formatters, 'the page’s first ICU date formatter is not on the session’s path').to.equal(0);
  });

  it('leaves out a zone the server would refuse (an offset, an over-long name)', () => {
    for (const zone of ['+05:30', `Europe/${'x'.repeat(80)}`]) {
      const { value } = withEngine({ Now: { timeZoneId: () => zone } }, () => currentVisitorContext(page));
      expect(value, zone).not.to.have.property('timezone');
    }
  });

  it('falls back to Intl.DateTimeFormat where there is no Temporal', () => {
    const expected = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const { value, formatters } = withEngine(undefined, () => currentVisitorContext(page));
    expect(value.timezone).to.equal(expected);
    expect(formatters).to.be.greaterThan(0);
  });
});
