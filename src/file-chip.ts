import type { Attachment } from './types.js';

/** A file waiting to go with the next message: uploading, uploaded (`record`), or refused (`error`). */
export interface Chip {
  readonly key: number;
  readonly file: File;
  /** A `blob:` URL of an image's own bytes for its thumbnail; revoked when the chip goes. */
  readonly preview?: string;
  progress: number;
  record?: Attachment;
  error?: string;
  upload?: XMLHttpRequest;
}

const PREVIEWABLE = /^image\/(png|jpeg|gif|webp)$/;

let nextKey = 0;

/** A chip for a file just chosen: a picture gets a thumbnail of its own bytes. */
export function chipFor(file: File): Chip {
  return { key: nextKey++, file, progress: 0, preview: PREVIEWABLE.test(file.type) ? URL.createObjectURL(file) : undefined };
}

/** The XMLHttpRequest that goes with a chip is aborted, its preview released. */
export function forget(chip: Chip) {
  chip.upload?.abort();
  if (chip.preview) URL.revokeObjectURL(chip.preview);
}
