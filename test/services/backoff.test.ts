import { expect } from '@open-wc/testing';
import { Backoff } from '../../src/services/backoff.js';

describe('Backoff', () => {
  it('doubles the ceiling from the base and stops at the cap', () => {
    const backoff = new Backoff({ base: 500, cap: 4000, shortAttempts: 100, random: () => 0.999999 });
    const delays = Array.from({ length: 7 }, () => backoff.next());
    expect(delays).to.deep.equal([500, 1000, 2000, 4000, 4000, 4000, 4000]);
  });

  it('after a long outage keeps doubling from the cap up to the long cap', () => {
    const backoff = new Backoff({ base: 250, cap: 1000, shortAttempts: 4, longCap: 10_000, random: () => 0.999999 });
    const delays = Array.from({ length: 10 }, () => backoff.next());
    expect(delays).to.deep.equal([250, 500, 1000, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('keeps short-outage delays under a second by default', () => {
    const backoff = new Backoff({ random: () => 0.999999 });
    const delays = Array.from({ length: 30 }, () => backoff.next());
    expect(Math.max(...delays)).to.equal(1000);
    expect(backoff.next()).to.equal(2000);
  });

  it('draws each delay with full jitter between 0 and the ceiling', () => {
    const draws = [0, 0.5, 0.25];
    const backoff = new Backoff({ base: 1000, cap: 10_000, random: () => draws.shift()! });
    expect([backoff.next(), backoff.next(), backoff.next()]).to.deep.equal([0, 1000, 1000]);
  });

  it('starts again from the base after reset()', () => {
    const backoff = new Backoff({ base: 100, cap: 1000, random: () => 0.999999 });
    backoff.next();
    backoff.next();
    backoff.next();
    expect(backoff.attempts).to.equal(3);
    backoff.reset();
    expect(backoff.attempts).to.equal(0);
    expect(backoff.next()).to.equal(100);
  });
});
