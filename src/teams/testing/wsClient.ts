import crypto from "node:crypto";
import http from "node:http";
import type { Duplex } from "node:stream";

// A small WebSocket client (RFC 6455) for tests: Node 20 has no WebSocket client and the project adds no
// package for one. Enough to follow the Agents Playground's conversation stream: the opening handshake (with
// the Sec-WebSocket-Accept check), masked client frames, text and binary messages, fragmented messages
// (control frames allowed between the fragments), ping answered by pong, and the closing handshake.

const ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;
/** the largest message this client accepts (the Playground's cards are far smaller) */
const MAX_MESSAGE = 16 * 1024 * 1024;

export interface WsClose {
  code: number;
  reason: string;
}

export type WsMessage = { type: "text"; data: string } | { type: "binary"; data: Buffer };

export class WsError extends Error {}

export interface WsClient {
  /** every message received, in order, from the connection's start (so none is missed between connect and a listener) */
  readonly received: readonly WsMessage[];
  /** called for each message from now on */
  onMessage(listener: (m: WsMessage) => void): () => void;
  /** pongs received (payloads), for tests of ping */
  readonly pongs: readonly Buffer[];
  sendText(text: string, options?: { fragmentSize?: number }): void;
  sendBinary(data: Buffer): void;
  ping(payload?: Buffer): void;
  /** starts the closing handshake; resolves when the connection is closed */
  close(code?: number, reason?: string): Promise<WsClose>;
  /** resolves when the connection is closed, by either side, with the close frame's code (1006: no close frame) */
  readonly closed: Promise<WsClose>;
  /** the first protocol or socket error, if any */
  readonly error: Error | undefined;
}

/** Frames a payload, masked as a client must (RFC 6455 §5.3). */
export function encodeFrame(opcode: number, payload: Buffer, { fin = true, mask = true }: { fin?: boolean; mask?: boolean } = {}): Buffer {
  const len = payload.length;
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const frame = Buffer.alloc(head + (mask ? 4 : 0) + len);
  frame[0] = (fin ? 0x80 : 0) | opcode;
  if (len < 126) frame[1] = len;
  else if (len < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(len, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(len), 2);
  }
  if (!mask) {
    payload.copy(frame, head);
    return frame;
  }
  frame[1]! |= 0x80;
  const key = crypto.randomBytes(4);
  key.copy(frame, head);
  for (let i = 0; i < len; i++) frame[head + 4 + i] = payload[i]! ^ key[i & 3]!;
  return frame;
}

/** Opens a WebSocket connection to a ws:// URL. Rejects when the server does not switch protocols properly. */
export function connectWebSocket(url: string, { headers = {}, timeoutMs = 10_000 }: { headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<WsClient> {
  const target = new URL(url);
  if (target.protocol !== "ws:") return Promise.reject(new WsError(`only ws:// URLs are supported, not ${target.protocol}`));
  const key = crypto.randomBytes(16).toString("base64");
  const expectedAccept = crypto.createHash("sha1").update(key + ACCEPT_GUID).digest("base64");
  return new Promise<WsClient>((resolve, reject) => {
    const req = http.request({
      host: target.hostname,
      port: target.port || 80,
      path: target.pathname + target.search,
      headers: { ...headers, Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Key": key, "Sec-WebSocket-Version": "13" },
      timeout: timeoutMs,
    });
    req.on("timeout", () => req.destroy(new WsError(`WebSocket handshake with ${url} timed out after ${timeoutMs} ms`)));
    req.on("error", reject);
    req.on("response", (res) => {
      res.resume();
      reject(new WsError(`WebSocket handshake with ${url} refused: HTTP ${res.statusCode}`));
    });
    req.on("upgrade", (res, socket, head) => {
      const accept = res.headers["sec-websocket-accept"];
      const upgrade = String(res.headers.upgrade ?? "").toLowerCase();
      if (res.statusCode !== 101 || upgrade !== "websocket" || accept !== expectedAccept) {
        socket.destroy();
        reject(new WsError(`WebSocket handshake with ${url} failed: status ${res.statusCode}, upgrade "${upgrade}", accept ${accept === expectedAccept ? "ok" : "wrong"}`));
        return;
      }
      resolve(new Connection(socket, head));
    });
    req.end();
  });
}

class Connection implements WsClient {
  readonly received: WsMessage[] = [];
  readonly pongs: Buffer[] = [];
  readonly closed: Promise<WsClose>;
  error: Error | undefined;
  private listeners = new Set<(m: WsMessage) => void>();
  private buffer: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentOpcode = -1;
  private fragmentBytes = 0;
  private closeSent = false;
  private closeReceived: WsClose | undefined;
  private resolveClosed!: (c: WsClose) => void;
  private decoder = new TextDecoder("utf-8", { fatal: true });

  constructor(private socket: Duplex, head: Buffer) {
    this.closed = new Promise((r) => (this.resolveClosed = r));
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (e) => {
      this.error ??= e;
    });
    socket.on("close", () => this.resolveClosed(this.closeReceived ?? { code: 1006, reason: "" }));
    if ("setNoDelay" in socket && typeof socket.setNoDelay === "function") socket.setNoDelay(true);
    if (head.length) this.onData(head);
  }

  onMessage(listener: (m: WsMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  sendText(text: string, { fragmentSize }: { fragmentSize?: number } = {}): void {
    const payload = Buffer.from(text, "utf8");
    if (!fragmentSize || payload.length <= fragmentSize) return this.write(encodeFrame(OP.text, payload));
    for (let at = 0; at < payload.length; at += fragmentSize) {
      const last = at + fragmentSize >= payload.length;
      this.write(encodeFrame(at === 0 ? OP.text : OP.continuation, payload.subarray(at, at + fragmentSize), { fin: last }));
    }
  }

  sendBinary(data: Buffer): void {
    this.write(encodeFrame(OP.binary, data));
  }

  ping(payload: Buffer = Buffer.alloc(0)): void {
    if (payload.length > 125) throw new WsError("a ping payload is at most 125 bytes");
    this.write(encodeFrame(OP.ping, payload));
  }

  close(code = 1000, reason = ""): Promise<WsClose> {
    this.sendClose(code, reason);
    // the server answers with its close frame and closes the TCP connection; do not wait forever for it
    const timer = setTimeout(() => this.socket.destroy(), 5_000);
    return this.closed.finally(() => clearTimeout(timer));
  }

  private write(frame: Buffer): void {
    if (this.closeSent) throw new WsError("the WebSocket is closing");
    this.socket.write(frame);
  }

  private sendClose(code: number, reason: string): void {
    if (this.closeSent || this.socket.destroyed) return;
    const body = Buffer.alloc(2 + Buffer.byteLength(reason));
    body.writeUInt16BE(code, 0);
    body.write(reason, 2, "utf8");
    this.socket.write(encodeFrame(OP.close, body));
    this.closeSent = true;
  }

  /** a protocol error: close with its code (RFC 6455 §7.4.1) and stop reading */
  private fail(code: number, message: string): void {
    this.error ??= new WsError(message);
    this.closeReceived ??= { code, reason: message };
    this.sendClose(code, "");
    this.socket.end();
    this.buffer = Buffer.alloc(0);
  }

  private onData(chunk: Buffer): void {
    if (this.error) return;
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      const fin = (b[0]! & 0x80) !== 0;
      if (b[0]! & 0x70) return this.fail(1002, "reserved bits set without a negotiated extension");
      const opcode = b[0]! & 0x0f;
      if (b[1]! & 0x80) return this.fail(1002, "a server must not mask its frames");
      let len = b[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        const big = b.readBigUInt64BE(2);
        if (big > BigInt(MAX_MESSAGE)) return this.fail(1009, "frame too large");
        len = Number(big);
        at = 10;
      }
      if (b.length < at + len) return;
      const payload = b.subarray(at, at + len);
      this.buffer = b.subarray(at + len);
      this.onFrame(fin, opcode, payload);
      if (this.error) return;
    }
  }

  private onFrame(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode >= 0x8) {
      if (!fin || payload.length > 125) return this.fail(1002, "a control frame must be whole and at most 125 bytes");
      if (opcode === OP.ping) {
        if (!this.closeSent) this.socket.write(encodeFrame(OP.pong, payload));
      } else if (opcode === OP.pong) this.pongs.push(Buffer.from(payload));
      else if (opcode === OP.close) {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        this.closeReceived ??= { code, reason: payload.subarray(2).toString("utf8") };
        // answer with the same code, then the server closes the TCP connection (we end our side too)
        this.sendClose(code === 1005 ? 1000 : code, "");
        this.socket.end();
      } else return this.fail(1002, `unknown control opcode ${opcode}`);
      return;
    }
    if (this.closeReceived) return;
    if (opcode === OP.continuation) {
      if (this.fragmentOpcode < 0) return this.fail(1002, "a continuation frame without a message to continue");
    } else if (opcode === OP.text || opcode === OP.binary) {
      if (this.fragmentOpcode >= 0) return this.fail(1002, "a new message started before the previous one ended");
      this.fragmentOpcode = opcode;
    } else return this.fail(1002, `unknown opcode ${opcode}`);
    this.fragmentBytes += payload.length;
    if (this.fragmentBytes > MAX_MESSAGE) return this.fail(1009, "message too large");
    this.fragments.push(Buffer.from(payload));
    if (!fin) return;
    const data = Buffer.concat(this.fragments);
    const type = this.fragmentOpcode === OP.text ? "text" : "binary";
    this.fragments = [];
    this.fragmentOpcode = -1;
    this.fragmentBytes = 0;
    let message: WsMessage;
    if (type === "text") {
      try {
        message = { type, data: this.decoder.decode(data) };
      } catch {
        return this.fail(1007, "a text message that is not UTF-8");
      }
    } else message = { type, data };
    this.received.push(message);
    for (const l of this.listeners) l(message);
  }
}
