/**
 * The baseline of `npm run bench:relay`: the least a relay can do with the same frames, so
 * the bench shows what this machine allows. Plain `ws`, no authentication, no storage, no
 * views: a socket says `{"type":"HELLO","pair":"<key>"}`, gets `{"type":"READY"}`, and every
 * later frame is parsed as JSON and its text forwarded to the other socket of the pair.
 *
 * Prints `baseline relay listening on ws://127.0.0.1:<port>`; PORT (default 0) picks the port.
 */
import { WebSocketServer } from 'ws';

const MAX_FRAME_BYTES = 16 * 1024;
/** pair key -> the sockets that said HELLO with it (at most two). */
const pairs = new Map();
/** socket -> its pair key. */
const pairOf = new WeakMap();

const server = new WebSocketServer({
  host: '127.0.0.1',
  port: Number(process.env.PORT ?? 0),
  perMessageDeflate: false,
  maxPayload: MAX_FRAME_BYTES,
});

function peerOf(socket) {
  const members = pairs.get(pairOf.get(socket));
  if (!members) return undefined;
  return members[0] === socket ? members[1] : members[0];
}

server.on('connection', (socket) => {
  socket.on('message', (data) => {
    const text = data.toString('utf8');
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (frame === null || typeof frame !== 'object') return;
    if (frame.type === 'HELLO' && typeof frame.pair === 'string') {
      const members = pairs.get(frame.pair) ?? [];
      if (members.length < 2) members.push(socket);
      pairs.set(frame.pair, members);
      pairOf.set(socket, frame.pair);
      socket.send('{"type":"READY"}');
      return;
    }
    const peer = peerOf(socket);
    if (peer && peer.readyState === peer.OPEN) peer.send(text);
  });
  socket.on('close', () => {
    const key = pairOf.get(socket);
    const members = pairs.get(key);
    if (!members) return;
    const left = members.filter((member) => member !== socket);
    if (left.length === 0) pairs.delete(key);
    else pairs.set(key, left);
  });
});

server.on('listening', () => {
  process.stdout.write(`baseline relay listening on ws://127.0.0.1:${server.address().port}\n`);
});

function stop() {
  for (const client of server.clients) client.terminate();
  server.close(() => process.exit(0));
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
