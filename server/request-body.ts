import type { IncomingMessage } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, createZstdDecompress } from 'node:zlib';

/**
 * Reads a GraphQL request's JSON body as body-parser's JSON parser (Express's `express.json`) did,
 * without Express: only `application/json` bodies are read (others are left to Apollo, which
 * refuses them), in any UTF charset, identity or compressed, within a byte limit counted after
 * decompression, strictly (an object or an array; an empty body is `{}`).
 */

/** What reading gave: the parsed body (undefined: none to read), a status to refuse it with, or a client gone mid-body. */
export type BodyRead = { body: unknown } | { refused: 400 | 413 | 415 } | { aborted: true };

const DECOMPRESSORS: Record<string, () => Transform> = {
  gzip: createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
  zstd: createZstdDecompress,
};

class BodyTooLarge extends Error {}
class BodyAborted extends Error {}

/** type-is' `hasBody`: chunked, or any declared length (0 included: an empty body is read as `{}`). */
const hasBody = (req: IncomingMessage) =>
  req.headers['transfer-encoding'] !== undefined || !Number.isNaN(Number(req.headers['content-length'] ?? NaN));

function contentType(req: IncomingMessage): { mediaType: string; charset: string } {
  const [mediaType, ...parameters] = (req.headers['content-type'] ?? '').split(';');
  const charset = parameters
    .map((parameter) => /^\s*charset\s*=\s*"?([^";\s]*)"?\s*$/i.exec(parameter)?.[1])
    .find((value) => value !== undefined);
  return { mediaType: mediaType.trim().toLowerCase(), charset: (charset || 'utf-8').toLowerCase() };
}

/** The bytes of `stream`, failing past `limitBytes` or when the request it reads from is aborted. */
function collect(req: IncomingMessage, stream: Readable, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) reject(new BodyTooLarge());
      else chunks.push(chunk);
    });
    stream.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    stream.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new BodyAborted());
    });
  });
}

/** Reads off what is left of a refused body (as body-parser did) so the answer reaches a client still sending. */
async function refuse(req: IncomingMessage, status: 400 | 413 | 415, decompressor?: Transform): Promise<BodyRead> {
  if (decompressor) {
    req.unpipe(decompressor);
    decompressor.on('error', () => undefined).destroy();
  }
  if (!req.complete && !req.destroyed) {
    await new Promise<void>((resolve) => {
      req.once('end', resolve).once('close', resolve);
      req.resume();
    });
  }
  return { refused: status };
}

/** body-parser's strict mode: JSON text that starts with `{` or `[` (after whitespace), and an empty body as `{}`. */
function parseStrict(text: string): unknown {
  if (text.length === 0) return {};
  if (!/^[ \t\n\r]*[{[]/.test(text)) throw new SyntaxError('not an object or an array');
  return JSON.parse(text);
}

export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<BodyRead> {
  if (!hasBody(req)) return { body: undefined };
  const { mediaType, charset } = contentType(req);
  if (mediaType !== 'application/json') return { body: undefined };
  let decoder: TextDecoder;
  try {
    if (!charset.startsWith('utf-')) throw new RangeError(charset);
    // TextDecoder drops a byte order mark, as iconv-lite did.
    decoder = new TextDecoder(charset);
  } catch {
    return refuse(req, 415);
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  const decompressor = encoding === 'identity' ? undefined : DECOMPRESSORS[encoding]?.();
  if (encoding !== 'identity' && !decompressor) return refuse(req, 415);
  if (!decompressor && Number(req.headers['content-length']) > limitBytes) return refuse(req, 413);
  let bytes: Buffer;
  try {
    bytes = await collect(req, decompressor ? req.pipe(decompressor) : req, limitBytes);
  } catch (error) {
    if (error instanceof BodyAborted) return { aborted: true };
    return refuse(req, error instanceof BodyTooLarge ? 413 : 400, decompressor);
  }
  try {
    return { body: parseStrict(decoder.decode(bytes)) };
  } catch {
    return { refused: 400 };
  }
}
