import type { FileStrings, SupportChatStrings } from './strings.js';
import type { TokenSource } from './token-source.js';

/** The conversation the files go to (`POST {apiBase}/chats/{groupId}/files`), and as whom. */
export interface UploadTarget {
  readonly apiBase?: string;
  readonly groupId?: string;
  readonly tokens: Pick<TokenSource, 'current' | 'fresh'>;
}

/** What an upload tells the file's chip, and asks of it. */
export interface UploadWatch {
  /** The request is made: removing the chip aborts it. */
  started(request: XMLHttpRequest): void;
  progressed(fraction: number): void;
  /** Whether the file is still wanted (not removed, the tray not cleared) when its token comes. */
  wanted(): boolean;
}

/** Where a conversation's files are uploaded. */
export const filesUrl = (apiBase: string, groupId: string) =>
  new URL(`chats/${encodeURIComponent(groupId)}/files`, new URL(apiBase.replace(/\/?$/, '/'), document.baseURI));

/**
 * Uploads `file` as the visitor, a 401 answered with one fresh token. Resolves with the finished request
 * whatever its status; rejects when no answer came (the network, a server that closed the connection, the
 * timeout, an abort) or the file was no longer wanted when its token came.
 */
export async function upload(
  file: File,
  url: URL,
  tokens: UploadTarget['tokens'],
  timeout: number,
  watch: UploadWatch,
): Promise<XMLHttpRequest> {
  const send = async (token: Promise<string>) => {
    const bearer = await token;
    // Removed (or the tray cleared) while the token was on its way: nothing goes up.
    if (!watch.wanted()) throw new UploadFailed();
    return post(url, file, bearer, timeout, watch);
  };
  const answer = await send(tokens.current());
  return answer.status === 401 ? send(tokens.fresh()) : answer;
}

/** One try of the multipart upload (XMLHttpRequest: fetch reports no upload progress). */
function post(url: URL, file: File, token: string, timeout: number, watch: UploadWatch): Promise<XMLHttpRequest> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    watch.started(request);
    request.open('POST', url);
    request.responseType = 'json';
    // A server that never answers must not hold the chip (and Send) forever.
    request.timeout = timeout;
    request.setRequestHeader('Authorization', `Bearer ${token}`);
    request.upload.onprogress = event => {
      if (event.lengthComputable) watch.progressed(event.loaded / event.total);
    };
    request.onload = () => resolve(request);
    request.onerror = () => reject(new UploadFailed());
    request.onabort = request.ontimeout = () => reject(new UploadFailed());
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
}

/** An upload that got no answer; what the chip says comes from the strings. */
class UploadFailed extends Error {}

/**
 * What a refused chip says, decided by the status (never by the server's English, which would not follow the
 * widget's language), in the widget's words.
 */
export function refusal(request: XMLHttpRequest, text: FileStrings & Pick<SupportChatStrings, 'serverAnswered'>): string {
  const { status } = request;
  if (status === 413) return text.fileTooBig;
  if (status === 415) return text.fileType;
  if (status === 429) return text.fileRateLimited(Number(request.getResponseHeader('Retry-After')) || 10);
  return text.serverAnswered(status);
}
