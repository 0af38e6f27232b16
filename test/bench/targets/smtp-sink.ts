import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A local SMTP relay in its own process (as a real relay would be): accepts every message and
 * counts it (all, and those to P5's members), without parsing. Reports its URL, then stops on 'stop'.
 */
let received = 0;
/** Messages to the P5 members (addresses at bench.test): the worker also sends the demo's session reminders. */
let toBench = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  closeTimeout: 200,
  onData(stream, session, callback) {
    stream.on('end', () => {
      received += 1;
      if (session.envelope.rcptTo.some(({ address }) => address.endsWith('@bench.test'))) toBench += 1;
      callback();
    });
    stream.resume();
  },
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.server.address() as AddressInfo;
  process.send!({ url: `smtp://127.0.0.1:${port}` });
});
process.on('message', (message) => {
  if (message === 'count') process.send!({ received, toBench });
  if (message === 'stop') server.close(() => process.exit(0));
});
