// "Records so far of about how many" for a long pull (issue 18). The server sends no total (a count
// per page would cost a query over every table); each pull answer carries `latest`, the server's
// newest version, so the share of versions covered so far tells about how many records remain.
// Pure apart from the store it is given, so the node tests run it against memory-store.js.

/** IndexedDB meta key: the progress of a pull that has more pages to come, kept across runs. */
export const PROGRESS_META = "pull_progress";

/** Round an estimate to two significant digits (31 234 -> 31 000): it is "about", not a count. */
export function roundAbout(n) {
  if (!Number.isFinite(n) || n < 100) return Math.round(n);
  const step = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.round(n / step) * step;
}

/**
 * About how many records the whole pull brings: the records so far (`done`, over the versions
 * `from`..`cursor`) scaled to the versions up to `latest`. Null without `latest` (an older server)
 * or before anything was covered. Never below `done`.
 */
export function estimateTotal({ done, from, cursor, latest }) {
  if (!Number.isFinite(latest)) return null;
  if (latest <= cursor) return done;
  const covered = cursor - from;
  if (covered <= 0 || done <= 0) return null;
  // Versions are spent on records later superseded too, so this is a density, not a count.
  return Math.max(done, roundAbout(done + (done * (latest - cursor)) / covered));
}

/**
 * One pull's progress. A run that starts where an interrupted one stopped (the same cursor: the
 * cursor is stored with each page's records) carries on its count, so a resumed first sync says
 * "3 500 / about 31 000", not "0 / about 27 500".
 */
export class PullProgress {
  constructor(store, saved) {
    this.store = store;
    this.saved = Boolean(saved);
    Object.assign(this, saved || { from: 0, done: 0, cursor: 0 });
  }

  static async resume(store, cursor) {
    const saved = await store.getMeta(PROGRESS_META);
    if (saved && saved.cursor === cursor) return new PullProgress(store, saved);
    return new PullProgress(store, null).#at(cursor);
  }

  /** The pull started over from cursor 0 (the server asked for a full resync). */
  restart() {
    return this.#at(0);
  }

  /**
   * A page of `count` changes was stored up to `cursor`; `more` pages follow. Returns what to
   * show: {done, total} while more follow (total may be null), else null.
   */
  async page(count, cursor, latest, more) {
    this.done += count;
    this.cursor = cursor;
    if (!more) {
      if (this.saved) await this.store.setMeta(PROGRESS_META, null);
      this.saved = false;
      return null;
    }
    // Written after the page's own transaction: if the app dies in between, the cursors differ
    // and the next run counts afresh, which only makes the estimate start over.
    await this.store.setMeta(PROGRESS_META, { from: this.from, done: this.done, cursor });
    this.saved = true;
    return { done: this.done, total: estimateTotal({ done: this.done, from: this.from, cursor, latest }) };
  }

  #at(cursor) {
    Object.assign(this, { from: cursor, done: 0, cursor });
    return this;
  }
}
