let run = 0;

/** Recipient addresses no other test (or earlier run on this database) uses. */
export function addresses(prefix: string, n: number): string[] {
  const tag = `${Date.now().toString(36)}${run++}`;
  return Array.from({ length: n }, (_, i) => `${prefix}${i + 1}.${tag}@guests.example`);
}
