/**
 * What the demo's people are drawn from: names, suppliers' trades with what a booking costs,
 * and the random draws the plan uses (weighted choice, a heavy tail, waiting times).
 */
import type { Rng } from '../../shared/random';

export const FIRST = ['Amelia', 'Oliver', 'Isla', 'George', 'Ava', 'Noah', 'Mia', 'Leo', 'Grace', 'Arthur', 'Freya', 'Oscar', 'Lily', 'Harry', 'Ella', 'Jack', 'Sofia', 'Theo', 'Ivy', 'Finn', 'Priya', 'Omar', 'Zara', 'Luca', 'Nina', 'Sam', 'Maya', 'Ethan', 'Chloe', 'Ravi'];
export const LAST = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Wright', 'Walker', 'Evans', 'Thomas', 'Roberts', 'Khan', 'Green', 'Hall', 'Wood', 'Clarke', 'Hughes', 'Silva', 'Murphy', 'Novak', 'Okafor', 'Rossi'];

/** Trades, with what a booking with one costs (dollars) and how often a supplier has that trade. */
export const TRADES = [
  { name: 'Venue', weight: 3, min: 4_000, max: 15_000 },
  { name: 'Photography', weight: 4, min: 1_500, max: 5_500 },
  { name: 'Catering', weight: 2, min: 2_500, max: 12_000 },
  { name: 'Planning', weight: 2, min: 2_000, max: 8_000 },
  { name: 'Florals', weight: 3, min: 800, max: 3_500 },
  { name: 'Films', weight: 2, min: 1_500, max: 4_500 },
  { name: 'Music', weight: 2, min: 800, max: 3_000 },
  { name: 'Bridal', weight: 2, min: 800, max: 4_000 },
  { name: 'Cakes', weight: 1, min: 800, max: 1_500 },
  { name: 'Stationery', weight: 1, min: 800, max: 1_800 },
] as const;
export type Trade = (typeof TRADES)[number];

export function weighted<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = rng.next() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1]![0];
}

/** Heavy tail (Pareto): most draw near `min`, a few draw many times it. */
export function pareto(rng: Rng, min: number, alpha: number, cap: number): number {
  return Math.min(cap, Math.floor(min / Math.pow(1 - rng.next(), 1 / alpha)));
}

/** Exponential with the given mean. */
export function exponential(rng: Rng, mean: number): number {
  return -Math.log(1 - rng.next()) * mean;
}
