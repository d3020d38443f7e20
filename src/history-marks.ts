import type { ChatMessage } from './types.js';

/**
 * Longer than a message can take from being numbered to being committed (a transaction of one insert;
 * PostgreSQL commits out of id order within milliseconds, seconds at worst under load).
 */
export const COMMIT_MARGIN_MS = 10_000;

/** The highest id history had shown when a page arrived. */
interface Mark {
  readonly at: number;
  readonly watermark: number;
}

/** What the history of one conversation has shown so far, and so where the next page starts. */
export class HistoryMarks {
  /**
   * The highest id history has shown. Only history moves it, never a push: pushes do not come in id
   * order (two senders at once; on PostgreSQL commit order is not id order), so a push of N+1 says
   * nothing about N, and a catch-up after it must still ask for N.
   */
  #watermark?: number;
  /**
   * Where the next catch-up starts: every id up to it has been read. A page showing N+1 may miss N, still
   * being committed, and N's push may be lost to a disconnect; but N was numbered before that page was
   * read, so it is committed `COMMIT_MARGIN_MS` later. Hence a watermark W seen at time t becomes the
   * resume point only after a catch-up that started at t + `COMMIT_MARGIN_MS` or later has read above the
   * resume point before it: that read saw every id up to W. Lagging by time, not by a count of catch-ups:
   * two catch-ups back to back are milliseconds apart, and a commit can outlast both.
   */
  #resumeFrom?: number;
  /** Watermarks not yet old enough to resume from, oldest first. */
  #marks: Mark[] = [];
  /** The lowest id history has shown: loading older messages continues below it. */
  #oldest?: number;

  get oldest(): number | undefined {
    return this.#oldest;
  }

  /** Where the next catch-up starts; undefined until the newest page has been read. */
  get resumeFrom(): number | undefined {
    return this.#resumeFrom;
  }

  /**
   * The newest page was read: what lies below it is for older pages to read, so catch-ups start just
   * under its oldest message; a page that held the whole conversation lets them start from the beginning.
   */
  newestRead(whole: boolean) {
    this.#resumeFrom = !whole && this.#oldest !== undefined ? this.#oldest - 1 : 0;
  }

  /**
   * A history page, as any server answers it (the newest page, everything after an id, everything
   * before one, or all of it in any order): whole up to its highest id, so that id is a watermark.
   */
  seen(page: readonly ChatMessage[]) {
    const top = highestId(page);
    if (top !== undefined && (this.#watermark === undefined || top > this.#watermark)) this.#watermark = top;
    for (const message of page) {
      if (message.id !== undefined && (this.#oldest === undefined || message.id < this.#oldest)) this.#oldest = message.id;
    }
  }

  /** A catch-up ended at `now`: the watermark it reached, to resume from once it is old enough. */
  mark(now: number) {
    if (this.#watermark !== undefined) this.#marks.push({ at: now, watermark: this.#watermark });
  }

  /**
   * After a catch-up that started at `started` and read everything above `resumeFrom`: resumes from the
   * highest watermark seen at least `COMMIT_MARGIN_MS` before it started, whose ids were all committed
   * when it read.
   */
  settle(started: number, resumeFrom: number) {
    const settled = this.#marks.filter(mark => mark.at + COMMIT_MARGIN_MS <= started);
    this.#marks = this.#marks.slice(settled.length);
    this.#resumeFrom = Math.max(resumeFrom, ...settled.map(mark => mark.watermark));
  }
}

export function highestId(page: readonly ChatMessage[]): number | undefined {
  let top: number | undefined;
  for (const { id } of page) if (id !== undefined && (top === undefined || id > top)) top = id;
  return top;
}
