/**
 * A WebSocket client on a bare TCP socket, for what the `ws` client will not send: frames cut
 * into any fragments, lengths that lie, upgrade requests with thousands of headers, and a
 * reader that stops reading.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

export const Opcode = { CONTINUATION: 0x0, TEXT: 0x1, BINARY: 0x2, CLOSE: 0x8, PING: 0x9 } as const;

export class RawSocket {
  readonly socket: Socket;
  /** The upgrade response's status line, e.g. "HTTP/1.1 101 Switching Protocols". */
  statusLine = '';
  #received = Buffer.alloc(0);
  readonly ended: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      this.#received = Buffer.concat([this.#received, chunk]);
    });
    this.ended = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Connects to the relay at `baseUrl` and sends the upgrade request with `extraHeaders`; resolves once it is answered. */
  static async upgrade(baseUrl: string, extraHeaders: string[] = []): Promise<RawSocket> {
    const { hostname, port } = new URL(baseUrl);
    const socket = connect(Number(port), hostname);
    const raw = new RawSocket(socket);
    await once(socket, 'connect');
    socket.write(
      [
        'GET /ws HTTP/1.1',
        `Host: ${hostname}:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        ...extraHeaders,
        '',
        '',
      ].join('\r\n'),
    );
    await raw.#answered();
    return raw;
  }

  get upgraded(): boolean {
    return this.statusLine.startsWith('HTTP/1.1 101');
  }

  /** Writes one masked frame, as a client must; `announcedLength` lets the header lie about the payload's size. */
  sendFrame(opcode: number, payload: Buffer, options: { fin?: boolean; announcedLength?: bigint } = {}): boolean {
    return this.socket.write(this.encodeFrame(opcode, payload, options));
  }

  /** The bytes of one masked frame (to write many in one go). */
  encodeFrame(opcode: number, payload: Buffer, { fin = true, announcedLength }: { fin?: boolean; announcedLength?: bigint } = {}): Buffer {
    const length = announcedLength ?? BigInt(payload.length);
    const header: number[] = [(fin ? 0x80 : 0) | opcode];
    if (length < 126n) header.push(0x80 | Number(length));
    else if (length < 65536n) header.push(0x80 | 126, Number(length >> 8n) & 0xff, Number(length) & 0xff);
    else {
      header.push(0x80 | 127);
      for (let shift = 56n; shift >= 0n; shift -= 8n) header.push(Number((length >> shift) & 0xffn));
    }
    const mask = randomBytes(4);
    const masked = Buffer.from(payload.map((byte, index) => byte ^ (mask[index % 4] ?? 0)));
    return Buffer.concat([Buffer.from(header), mask, masked]);
  }

  /** The close code of the relay's close frame, or null when it just dropped the connection. */
  async closeCode(timeoutMs = 5000): Promise<number | null> {
    const timer = setTimeout(() => this.socket.destroy(), timeoutMs);
    await this.ended;
    clearTimeout(timer);
    for (const frame of this.frames()) if (frame.opcode === Opcode.CLOSE) return frame.payload.readUInt16BE(0);
    return null;
  }

  /** The reason of the relay's close frame ('' when there was none). */
  closeReason(): string {
    const close = this.frames().find((frame) => frame.opcode === Opcode.CLOSE);
    return close === undefined ? '' : close.payload.subarray(2).toString();
  }

  /** The frames received after the upgrade response (unmasked, as the relay sends them). */
  frames(): { opcode: number; payload: Buffer }[] {
    const frames: { opcode: number; payload: Buffer }[] = [];
    let data = this.#received.subarray(this.#received.indexOf('\r\n\r\n') + 4);
    while (data.length >= 2) {
      let length = (data[1] ?? 0) & 0x7f;
      let offset = 2;
      if (length === 126) [length, offset] = [data.readUInt16BE(2), 4];
      else if (length === 127) [length, offset] = [Number(data.readBigUInt64BE(2)), 10];
      if (data.length < offset + length) break;
      frames.push({ opcode: (data[0] ?? 0) & 0x0f, payload: data.subarray(offset, offset + length) });
      data = data.subarray(offset + length);
    }
    return frames;
  }

  /** The text frames received, parsed. */
  texts(): { type?: string; [field: string]: unknown }[] {
    return this.frames()
      .filter((frame) => frame.opcode === Opcode.TEXT)
      .map((frame) => JSON.parse(frame.payload.toString()) as { type?: string });
  }

  destroy(): void {
    this.socket.destroy();
  }

  async #answered(): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!this.#received.includes('\r\n\r\n') && !this.socket.closed && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    this.statusLine = this.#received.subarray(0, Math.max(0, this.#received.indexOf('\r\n'))).toString();
  }
}
