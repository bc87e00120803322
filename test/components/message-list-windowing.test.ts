import { expect } from '@open-wc/testing';
import { RowWindow } from '../../src/components/message-list/windowing.js';

const keys = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`);

describe('RowWindow', () => {
  it('estimates unmeasured rows with the average measured height', () => {
    const w = new RowWindow();
    w.setKeys(keys(4));
    expect(w.total).to.equal(4 * 56);
    w.measure('k0', 40);
    w.measure('k1', 80);
    expect(w.estimate).to.equal(60);
    expect([w.topOf(1), w.topOf(2), w.topOf(3), w.total]).to.deep.equal([40, 120, 180, 240]);
  });

  it('reports whether a measurement changed anything', () => {
    const w = new RowWindow();
    w.setKeys(keys(2));
    expect(w.measure('k0', 50)).to.equal(true);
    expect(w.measure('k0', 50.2)).to.equal(false);
    expect(w.measure('k0', 70)).to.equal(true);
    expect(w.topOf(1)).to.equal(70);
  });

  it('keeps heights by key when rows are prepended', () => {
    const w = new RowWindow();
    w.setKeys(['a', 'b']);
    w.measure('a', 100);
    w.measure('b', 20);
    w.setKeys(['x', 'y', 'a', 'b']);
    // x and y are estimated at the average (60) until rendered.
    expect(w.topOf(2)).to.equal(120);
    expect(w.total).to.equal(240);
  });

  it('chooses the rows around a viewport, with overscan, within bounds', () => {
    const w = new RowWindow();
    w.overscan = 100;
    w.setKeys(keys(10_000));
    for (const k of keys(10_000)) w.measure(k, 50);
    expect(w.range(0, 400)).to.deep.equal({ first: 0, last: 10 });
    expect(w.range(50 * 5000, 400)).to.deep.equal({ first: 4998, last: 5010 });
    expect(w.range(10 ** 9, 400)).to.deep.equal({ first: 9999, last: 9999 });
    expect(w.indexAt(-5)).to.equal(0);
    w.setKeys([]);
    expect(w.range(0, 400)).to.deep.equal({ first: 0, last: -1 });
  });

  it('forgets heights on reset', () => {
    const w = new RowWindow();
    w.setKeys(keys(2));
    w.measure('k0', 10);
    w.reset();
    expect(w.total).to.equal(112);
  });
});

describe('RowWindow (incremental offsets)', () => {
  it('gives the same offsets as a full sum after appends, measurements and a prepend', () => {
    const w = new RowWindow();
    const rows = keys(200).map((key) => ({ key }));
    w.setRows(rows);
    const heights = new Map<string, number>();
    const expected = (list: { key: string }[]) => {
      const estimate = heights.size ? [...heights.values()].reduce((a, b) => a + b, 0) / heights.size : 56;
      const tops = [0];
      for (const r of list) tops.push(tops.at(-1)! + (heights.get(r.key) ?? estimate));
      return tops;
    };
    const check = (list: { key: string }[]) => {
      const tops = expected(list);
      for (const i of [0, 1, 50, list.length - 2, list.length - 1, list.length]) expect(w.topOf(i)).to.be.closeTo(tops[i], 1e-6);
    };
    for (let i = 150; i < 200; i++) {
      w.measure(`k${i}`, 30 + (i % 7), i);
      heights.set(`k${i}`, 30 + (i % 7));
    }
    check(rows);
    const appended = [...rows, { key: 'n1' }, { key: 'n2' }];
    w.setRows(appended);
    w.measure('n1', 90, 200);
    heights.set('n1', 90);
    check(appended);
    expect(w.indexAt(w.topOf(201))).to.equal(201);
    const prepended = [{ key: 'p1' }, ...appended];
    w.setRows(prepended);
    w.measure('k3', 12); // no index given: looked up
    heights.set('k3', 12);
    check(prepended);
  });
});
