import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Child process: the raw baseline for P2: a `ws` server that, on each message of a Redis channel,
 * sends one precomputed graphql-transport-ws `next` frame to every client. No GraphQL, no auth,
 * no per-client work: what fan-out costs on this machine.
 */
const [redisUrl, channel, frame] = process.argv.slice(2);
const server = createServer();
const wss = new WebSocketServer({ server, path: '/graphql' });
const subscribed = new Set<WebSocket>();
wss.on('connection', (socket) => {
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; id?: string };
    if (message.type === 'connection_init') socket.send(JSON.stringify({ type: 'connection_ack' }));
    if (message.type === 'subscribe') subscribed.add(socket);
  });
  socket.on('close', () => subscribed.delete(socket));
});
const redis = new Redis(redisUrl);
void redis.subscribe(channel);
redis.on('message', () => {
  for (const socket of subscribed) socket.send(frame);
});
server.listen(0, () => {
  process.send!({ url: `http://localhost:${(server.address() as AddressInfo).port}/graphql` });
});
process.on('message', () => {
  void redis.quit().then(() => process.exit(0));
});
