/** How often each handler ran in this process, for tests to see what warm-up reached. */
export const calls: Record<string, number> = {};

/** Counts one run of the named handler. */
export function count(name: string): void {
  calls[name] = (calls[name] ?? 0) + 1;
}
