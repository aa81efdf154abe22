import { createHash } from 'node:crypto';

// Rendered pages kept in memory, keyed by everything the bytes depend on (the caller builds the key: the
// workspace's data version, who is looking, the address, the kind of request). Bounded by total size, least
// recently used first out. Renders of the same key at the same time are done once: the meeting's fifty open
// backlogs asking at once after a rescoring cost one render, not fifty.

/**
 * A kept page. The body is kept as UTF-8 bytes: a page with one non-Latin-1 character (a “curly quote”) is a
 * two-byte string in V8, twice the memory, and every answer would encode it again.
 */
export type CachedPage = { status: number; body: Buffer; etag: string; bytes: number };

export type PageCache = {
  get(key: string): CachedPage | undefined;
  /**
   * The kept page for `key`, or `render`'s, kept when it is a 200 (a single render for concurrent callers).
   * `slot` names what the page is a version of (the same view for the same member): keeping it drops the
   * page kept before under the same slot, which no request will ask for again once the data has moved on.
   */
  through(
    key: string,
    render: () => Promise<{ status: number; body: string }>,
    slot?: string,
  ): Promise<CachedPage>;
  stats(): { entries: number; bytes: number; hits: number; misses: number };
  clear(): void;
};

/** A strong ETag from the body itself, so two renders of the same bytes always agree. */
export function etagOf(body: string | Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

export function createPageCache(maxBytes = 16 * 1024 * 1024): PageCache {
  // A Map iterates in insertion order: re-inserting on a hit makes the first key the least recently used.
  const pages = new Map<string, CachedPage>();
  const pending = new Map<string, Promise<CachedPage>>();
  // Which slot each kept key fills, and which key fills each slot (see `through`). In a meeting every
  // rescoring makes a new version of everyone's backlog: without this the superseded pages would sit in
  // memory until pushed out, a cache always full of pages nobody can ask for.
  const slotOf = new Map<string, string>();
  const keyIn = new Map<string, string>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;

  const drop = (key: string) => {
    const old = pages.get(key);
    if (!old) return;
    pages.delete(key);
    bytes -= old.bytes;
    const slot = slotOf.get(key);
    if (slot === undefined) return;
    slotOf.delete(key);
    if (keyIn.get(slot) === key) keyIn.delete(slot);
  };
  const keep = (key: string, page: CachedPage, slot?: string) => {
    // A page bigger than a quarter of the whole cache would push out everything else for one address.
    if (page.bytes > maxBytes / 4) return;
    drop(key);
    if (slot !== undefined) {
      const before = keyIn.get(slot);
      if (before !== undefined) drop(before);
      keyIn.set(slot, key);
      slotOf.set(key, slot);
    }
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
    async through(key, render, slot) {
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
        const bytes = Buffer.from(body, 'utf8');
        // The key is a JavaScript string (two bytes a character at most), the body its UTF-8 bytes.
        const page = { status, body: bytes, etag: etagOf(bytes), bytes: 2 * key.length + bytes.length };
        if (status === 200) keep(key, page, slot);
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
      slotOf.clear();
      keyIn.clear();
      bytes = 0;
    },
  };
}
