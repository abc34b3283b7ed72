import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { connectWebSocket, encodeFrame, WsError, type WsClient } from "./wsClient.ts";

// The test WebSocket client against a tiny node:http upgrade server written here from RFC 6455: the server
// checks the client's handshake and reads its frames (which must be masked), and writes frames of its own
// byte by byte when asked, so the client's reader meets frames split anywhere.

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

interface Frame {
  fin: boolean;
  opcode: number;
  masked: boolean;
  payload: Buffer;
}

interface Peer {
  socket: Socket;
  frames: Frame[];
  headers: http.IncomingHttpHeaders;
  path: string;
  /** resolves once `n` frames have arrived */
  waitFrames(n: number): Promise<Frame[]>;
  send(frame: Buffer, byteByByte?: boolean): Promise<void>;
}

/** a server frame: never masked */
const serverFrame = (opcode: number, payload: Buffer | string, fin = true) => encodeFrame(opcode, Buffer.from(payload), { fin, mask: false });

function parseClientFrames(buf: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  for (;;) {
    if (buf.length < 2) break;
    const masked = (buf[1]! & 0x80) !== 0;
    let len = buf[1]! & 0x7f;
    let at = 2;
    if (len === 126) {
      if (buf.length < 4) break;
      len = buf.readUInt16BE(2);
      at = 4;
    } else if (len === 127) {
      if (buf.length < 10) break;
      len = Number(buf.readBigUInt64BE(2));
      at = 10;
    }
    const keyAt = at;
    if (masked) at += 4;
    if (buf.length < at + len) break;
    const payload = Buffer.from(buf.subarray(at, at + len));
    if (masked) for (let i = 0; i < len; i++) payload[i] = payload[i]! ^ buf[keyAt + (i & 3)]!;
    frames.push({ fin: (buf[0]! & 0x80) !== 0, opcode: buf[0]! & 0x0f, masked, payload });
    buf = buf.subarray(at + len);
  }
  return { frames, rest: buf };
}

async function startServer(handshake: (key: string) => string[] = (key) => ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", `Sec-WebSocket-Accept: ${crypto.createHash("sha1").update(key + GUID).digest("base64")}`]) {
  const peers: Peer[] = [];
  let onPeer: ((p: Peer) => void) | undefined;
  const server = http.createServer((_req, res) => res.writeHead(426).end("upgrade required"));
  server.on("upgrade", (req, socket: Socket) => {
    socket.setNoDelay(true);
    socket.write(handshake(String(req.headers["sec-websocket-key"])).join("\r\n") + "\r\n\r\n");
    let buffer: Buffer = Buffer.alloc(0);
    const waiters: Array<{ n: number; resolve: (f: Frame[]) => void }> = [];
    const peer: Peer = {
      socket,
      frames: [],
      headers: req.headers,
      path: req.url ?? "",
      waitFrames: (n) => new Promise((resolve) => (peer.frames.length >= n ? resolve(peer.frames) : waiters.push({ n, resolve }))),
      async send(frame, byteByByte = false) {
        if (!byteByByte) return void socket.write(frame);
        for (const byte of frame) {
          socket.write(Buffer.from([byte]));
          await new Promise((r) => setImmediate(r));
        }
      },
    };
    socket.on("data", (chunk: Buffer) => {
      const parsed = parseClientFrames(Buffer.concat([buffer, chunk]));
      buffer = parsed.rest;
      peer.frames.push(...parsed.frames);
      for (const f of parsed.frames) if (f.opcode === 0x8) socket.end(); // the client answered or started the close: done
      for (const w of waiters.splice(0)) (peer.frames.length >= w.n ? w.resolve(peer.frames) : waiters.push(w));
    });
    socket.on("error", () => {});
    peers.push(peer);
    onPeer?.(peer);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/stream?x=1`;
  return {
    url,
    peers,
    nextPeer: () => new Promise<Peer>((r) => (peers.length ? r(peers.at(-1)!) : (onPeer = r))),
    close: () => {
      for (const p of peers) p.socket.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server | undefined;
let client: WsClient | undefined;
afterEach(async () => {
  if (client) await client.close().catch(() => {});
  await server?.close();
  server = undefined;
  client = undefined;
});

const nextMessage = (c: WsClient, n: number) =>
  new Promise<void>((resolve) => {
    if (c.received.length >= n) return resolve();
    const off = c.onMessage(() => {
      if (c.received.length >= n) {
        off();
        resolve();
      }
    });
  });

describe("WebSocket client (RFC 6455)", () => {
  it("opens with a proper handshake: GET with Upgrade, a fresh 16-byte key, version 13, the path and query", async () => {
    server = await startServer();
    client = await connectWebSocket(server.url, { headers: { "x-test": "1" } });
    const peer = await server.nextPeer();
    expect(peer.path).toBe("/stream?x=1");
    expect(peer.headers).toMatchObject({ upgrade: "websocket", connection: "Upgrade", "sec-websocket-version": "13", "x-test": "1" });
    expect(Buffer.from(String(peer.headers["sec-websocket-key"]), "base64")).toHaveLength(16);
  });

  it("refuses a server whose Sec-WebSocket-Accept does not answer the key, and one that does not switch protocols", async () => {
    server = await startServer(() => ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Accept: bm90IHRoZSBhbnN3ZXI="]);
    await expect(connectWebSocket(server.url)).rejects.toThrow(/accept wrong/);
    await server.close();
    server = await startServer();
    await expect(connectWebSocket(server.url.replace("ws:", "http:"))).rejects.toThrow(WsError);
    const plain = http.createServer((_q, res) => res.writeHead(404).end());
    await new Promise<void>((r) => plain.listen(0, "127.0.0.1", r));
    await expect(connectWebSocket(`ws://127.0.0.1:${(plain.address() as AddressInfo).port}/`)).rejects.toThrow(/refused: HTTP 404/);
    await new Promise((r) => plain.close(r));
  });

  it("reads text messages of every length encoding (7-bit, 16-bit, 64-bit), split anywhere across TCP packets", async () => {
    server = await startServer();
    client = await connectWebSocket(server.url);
    const peer = await server.nextPeer();
    const texts = ["héllo", "é".repeat(200), "x".repeat(70_000)];
    await peer.send(serverFrame(0x1, texts[0]!), true);
    await peer.send(serverFrame(0x1, texts[1]!), true);
    await peer.send(Buffer.concat([serverFrame(0x1, texts[2]!), serverFrame(0x2, Buffer.from([0, 1, 255]))]));
    await nextMessage(client, 4);
    expect(client.received.slice(0, 3)).toEqual(texts.map((data) => ({ type: "text", data })));
    expect(client.received[3]).toEqual({ type: "binary", data: Buffer.from([0, 1, 255]) });
  });

  it("joins a fragmented message, answering a ping sent between its fragments with a pong of the same payload", async () => {
    server = await startServer();
    client = await connectWebSocket(server.url);
    const peer = await server.nextPeer();
    const seen: string[] = [];
    client.onMessage((m) => seen.push(String(m.data)));
    await peer.send(serverFrame(0x1, '{"action":', false));
    await peer.send(serverFrame(0x9, "are you there"));
    await peer.send(serverFrame(0x0, '"createMessage",', false));
    await peer.send(serverFrame(0x0, '"ok":true}', true));
    await nextMessage(client, 1);
    expect(seen).toEqual(['{"action":"createMessage","ok":true}']);
    const [pong] = await peer.waitFrames(1);
    expect(pong).toEqual({ fin: true, opcode: 0xa, masked: true, payload: Buffer.from("are you there") });
  });

  it("masks every frame it sends, and fragments on request", async () => {
    server = await startServer();
    client = await connectWebSocket(server.url);
    const peer = await server.nextPeer();
    client.sendText("bonjour");
    client.sendText("y".repeat(70_000));
    client.sendText("abcdefghij", { fragmentSize: 4 });
    client.ping(Buffer.from("p"));
    const frames = await peer.waitFrames(6);
    expect(frames.every((f) => f.masked)).toBe(true);
    expect(frames.map((f) => [f.opcode, f.fin, f.payload.length > 20 ? f.payload.length : f.payload.toString()])).toEqual([
      [0x1, true, "bonjour"],
      [0x1, true, 70_000],
      [0x1, false, "abcd"],
      [0x0, false, "efgh"],
      [0x0, true, "ij"],
      [0x9, true, "p"],
    ]);
    expect(frames[1]!.payload.equals(Buffer.from("y".repeat(70_000)))).toBe(true);
    // the server's pong reaches the client (frames are read in order: once the text after it is in, so is the pong)
    await peer.send(Buffer.concat([serverFrame(0xa, "p"), serverFrame(0x1, "after")]));
    await nextMessage(client, 1);
    expect(client.pongs.map(String)).toEqual(["p"]);
  });

  it("closes by the closing handshake, started by the server or by the client", async () => {
    server = await startServer();
    client = await connectWebSocket(server.url);
    let peer = await server.nextPeer();
    const body = Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.from("bye")]);
    await peer.send(serverFrame(0x8, body));
    expect(await client.closed).toEqual({ code: 1000, reason: "bye" });
    expect((await peer.waitFrames(1))[0]).toMatchObject({ opcode: 0x8, masked: true, payload: Buffer.from([0x03, 0xe8]) });
    expect(() => client!.sendText("late")).toThrow(/closing/);

    client = await connectWebSocket(server.url);
    peer = server.peers.at(-1)!;
    const closing = client.close(4000, "done");
    const [frame] = await peer.waitFrames(1);
    expect(frame!.opcode).toBe(0x8);
    expect([frame!.payload.readUInt16BE(0), frame!.payload.subarray(2).toString()]).toEqual([4000, "done"]);
    expect((await closing).code).toBe(1006); // the server ended TCP without its own close frame
  });

  it("fails the connection on a masked server frame or invalid UTF-8, with the protocol's close codes", async () => {
    server = await startServer();
    client = await connectWebSocket(server.url);
    let peer = await server.nextPeer();
    await peer.send(encodeFrame(0x1, Buffer.from("masked"), { mask: true }));
    expect(await client.closed).toMatchObject({ code: 1002 });
    expect(client.error?.message).toMatch(/must not mask/);
    expect((await peer.waitFrames(1))[0]!.payload.readUInt16BE(0)).toBe(1002);
    expect(client.received).toEqual([]);

    client = await connectWebSocket(server.url);
    peer = server.peers.at(-1)!;
    await peer.send(serverFrame(0x1, Buffer.from([0xc3, 0x28])));
    expect(await client.closed).toMatchObject({ code: 1007 });
    expect(client.received).toEqual([]);
  });

  it("a connection the server drops without a close frame ends with 1006", async () => {
    server = await startServer();
    client = await connectWebSocket(server.url);
    (await server.nextPeer()).socket.destroy();
    expect(await client.closed).toEqual({ code: 1006, reason: "" });
  });
});
