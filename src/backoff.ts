/**
 * Delay before retry number `attempt` (0-based): doubling from half a second up to a cap, then spread
 * over its upper half at random so that many widgets cut off together do not come back together.
 */
export function backoffDelay(attempt: number, capMs = 30_000, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, 500 * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
