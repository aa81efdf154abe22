import { createHash } from 'node:crypto';

// Rendered pages kept in memory, keyed by everything the bytes depend on (the caller builds the key: the
// workspace's data version, who is looking, the address, the kind of request). Bounded by total size, least
// recently used first out. Renders of the same key at the same time are done once: the meeting's fifty open
// backlogs asking at once after a rescoring cost one render, not fifty.

export type CachedPage = { status: number; body: string; etag: string; bytes: number };

export type PageCache = {
  get(key: string): CachedPage | undefined;
  /** The kept page for `key`, or `render`'s, kept when it is a 200 (a single render for concurrent callers). */
  through(key: string, render: () => Promise<{ status: number; body: string }>): Promise<CachedPage>;
  stats(): { entries: number; bytes: number; hits: number; misses: number };
  clear(): void;
};

/** A strong ETag from the body itself, so two renders of the same bytes always agree. */
export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

export function createPageCache(maxBytes = 16 * 1024 * 1024): PageCache {
  // A Map iterates in insertion order: re-inserting on a hit makes the first key the least recently used.
  const pages = new Map<string, CachedPage>();
  const pending = new Map<string, Promise<CachedPage>>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;

  const drop = (key: string) => {
    const old = pages.get(key);
    if (!old) return;
    pages.delete(key);
    bytes -= old.bytes;
  };
  const keep = (key: string, page: CachedPage) => {
    // A page bigger than a quarter of the whole cache would push out everything else for one address.
    if (page.bytes > maxBytes / 4) return;
    drop(key);
    pages.set(key, page);
    bytes += page.bytes;
    for (const oldest of pages.keys()) {
      if (bytes <= maxBytes) break;
      drop(oldest);
    }
  };

  return {
    get(key) {
      const page = pages.get(key);
      if (page) {
        pages.delete(key);
        pages.set(key, page);
      }
      return page;
    },
    async through(key, render) {
      const kept = this.get(key);
      if (kept) {
        hits++;
        return kept;
      }
      const waiting = pending.get(key);
      if (waiting) {
        hits++;
        return waiting;
      }
      misses++;
      const run = render().then(({ status, body }) => {
        // Key + body: JavaScript strings are UTF-16, so this counts what the process holds, roughly.
        const page = { status, body, etag: etagOf(body), bytes: 2 * (key.length + body.length) };
        if (status === 200) keep(key, page);
        return page;
      });
      pending.set(key, run);
      try {
        return await run;
      } finally {
        pending.delete(key);
      }
    },
    stats: () => ({ entries: pages.size, bytes, hits, misses }),
    clear() {
      pages.clear();
      bytes = 0;
    },
  };
}
