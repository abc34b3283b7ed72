import pino from "pino";

export type Logger = pino.Logger;

/** JSON logs on stdout (pino): fast, structured, one line per event. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: "accord" }, redact: ["req.headers.authorization", "token", "secret"] });
}
