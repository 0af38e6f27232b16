import { connect, type Socket } from 'node:net';

/**
 * A keep-alive connection spoken by hand, so a test decides when each request is written: a
 * client whose request is already on its way when the server stops (its FIN not yet seen) is
 * what a busy proxy or app sends. Like such a client, it ends its side when the server ends its own.
 */
export async function keepAliveConnection(
  origin: string,
): Promise<{ send(request: string): Promise<string>; closed: Promise<void>; socket: Socket }> {
  const { hostname, port } = new URL(origin);
  const socket = connect({ host: hostname, port: Number(port) });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = '';
  let ended = false;
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((waiter) => waiter());
  socket.on('data', (chunk: Buffer) => ((received += chunk.toString('latin1')), wake()));
  // The server's FIN ('end') or a reset ('close'): nothing more will come.
  const closed = new Promise<void>((resolve) => {
    socket.on('end', () => ((ended = true), wake(), resolve()));
    socket.on('close', () => ((ended = true), wake(), resolve()));
  });
  socket.on('error', () => undefined); // a reset shows as a close without an answer
  /** Resolves with one whole response (head and body), or with what came before the connection closed. */
  const send = (text: string) =>
    new Promise<string>((resolve) => {
      received = '';
      const check = () => {
        const headEnd = received.indexOf('\r\n\r\n');
        const length = /content-length: (\d+)/i.exec(received.slice(0, headEnd));
        if ((headEnd >= 0 && length && received.length >= headEnd + 4 + Number(length[1])) || ended) {
          waiters.delete(check);
          resolve(received);
        }
      };
      waiters.add(check);
      if (ended) check();
      else socket.write(text, () => undefined);
    });
  return { send, closed, socket };
}

/** An HTTP/1.1 request as bytes on the wire. */
export const rawRequest = (method: string, path: string, headers: Record<string, string>, body = '') =>
  `${method} ${path} HTTP/1.1\r\nhost: localhost\r\n` +
  Object.entries({ ...headers, 'content-length': String(Buffer.byteLength(body)) })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('') +
  `\r\n${body}`;
