import { expect } from '@open-wc/testing';
import { backoffDelay } from '../backoff.js';

describe('backoffDelay', () => {
  it('doubles from half a second and spreads each delay over the upper half', () => {
    expect([0, 1, 2, 3].map(n => backoffDelay(n, 30_000, () => 0))).to.deep.equal([250, 500, 1000, 2000]);
    expect([0, 1, 2, 3].map(n => backoffDelay(n, 30_000, () => 1))).to.deep.equal([500, 1000, 2000, 4000]);
  });

  it('stops growing at the cap, however many attempts, and never gives up', () => {
    for (const attempt of [10, 100, 10_000]) {
      const delay = backoffDelay(attempt, 30_000);
      expect(delay).to.be.within(15_000, 30_000);
    }
  });
});
