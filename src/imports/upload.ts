import type { Context } from 'hono';
import { readForm } from '../validation';
import { decodeCsvBytes, type Finding, stripBom } from './csv-file';

/** Where the rows came from, as the preview names it. */
export type UploadSource = { from: 'file' | 'paste'; filename?: string; encoding?: string };

/** What a preview or import request carried: the CSV text, or why there is none to read. */
export type Upload =
  | { kind: 'text'; text: string; source: UploadSource }
  | { kind: 'unreadable'; error: string; source: UploadSource }
  | { kind: 'nothing' };

/**
 * The CSV of a request: the chosen file (multipart `file`) when there is one, otherwise the `text` field
 * (pasted rows, or the text a preview carried over). A file must be UTF-8; pasted text already is (the
 * browser sends the page's encoding).
 */
export async function readUpload(c: Context): Promise<Upload> {
  const body = await readForm(c);
  const file = body.file;
  if (file instanceof File && file.size > 0) {
    const decoded = decodeCsvBytes(new Uint8Array(await file.arrayBuffer()));
    const source = { from: 'file' as const, filename: file.name.slice(0, 200) };
    if ('error' in decoded) return { kind: 'unreadable', error: decoded.error, source };
    return { kind: 'text', text: decoded.text, source: { ...source, encoding: decoded.encoding } };
  }
  const text = typeof body.text === 'string' ? stripBom(body.text) : '';
  // An empty file is worth saying so (the preview does), unlike a form sent with nothing in it.
  if (text.trim() === '' && file instanceof File && file.name !== '')
    return { kind: 'text', text: '', source: { from: 'file', filename: file.name.slice(0, 200) } };
  if (text.trim() === '') return { kind: 'nothing' };
  return { kind: 'text', text, source: { from: 'paste' } };
}

/**
 * The preview sends the text back with the confirm, and browsers send its line breaks as CRLF: a file with
 * LF line ends just under the upload limit could come back over it. Said at the preview, not as a 413 later.
 */
export function confirmTooLarge(text: string, limitBytes: number): Finding | undefined {
  const bytes = Buffer.byteLength(text.replace(/\r?\n/g, '\r\n')) + 1024;
  if (bytes <= limitBytes) return undefined;
  return {
    tone: 'error',
    message: `With its line breaks as browsers send them, this file is too close to the ${limitBytes}-byte upload limit to be confirmed: split it into two files.`,
  };
}
