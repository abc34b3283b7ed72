import type { DigestSubscription, OutboxMessage } from "../app/ports.ts";
import crypto from "node:crypto";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { z } from "zod";
import { commentDispute } from "../app/commentDispute.ts";
import type { Deps } from "../app/context.ts";
import { previewDunningPage, runDunning, listHolds } from "../app/dunning.ts";
import { editDispute } from "../app/editDispute.ts";
import { getDispute } from "../app/getDispute.ts";
import type { DisputeDetails } from "../app/disputeDetails.ts";
import { disputePages, listDisputePage, type ListDisputesInput } from "../app/listDisputes.ts";
import { openDispute } from "../app/openDispute.ts";
import { createReason, listReasons, updateReason } from "../app/reasons.ts";
import { reassignDispute } from "../app/reassignDispute.ts";
import { releaseHolds } from "../app/releaseHolds.ts";
import { reopenDispute } from "../app/reopenDispute.ts";
import { agedBalance, customerStatement, dunnableOf, exportFormat } from "../app/reports.ts";
import { resolveDispute } from "../app/resolveDispute.ts";
import { getSettings, updateSettings } from "../app/settings.ts";
import { setOpenerUpdates } from "../app/notifyOpener.ts";
import { chatPlatformOf, setChatPlatform } from "../app/chatPlatform.ts";
import { setFollowUp } from "../app/setFollowUp.ts";
import { syncLedger, type LedgerImporter } from "../app/syncLedger.ts";
import { withdrawDispute } from "../app/withdrawDispute.ts";
import { nudgeDispute } from "../app/nudgeDispute.ts";
import type { ApiScope, ApiToken } from "../config.ts";
import { AccordError, fail } from "../domain/errors.ts";
import { illFormedPath, nestedDeeperThan } from "../domain/text.ts";
import { formatAmount } from "../domain/money.ts";
import type { Dispute } from "../domain/types.ts";
import { BadRequest, sendError, STATUS, zodDetails } from "./errors.ts";
import { addAbsence, listAbsences, removeAbsence } from "../app/absences.ts";
import { subscribeDigest, unsubscribeDigest } from "../app/digests.ts";
import { errorText } from "../views/errors.ts";
import type { Absence } from "../app/ports.ts";
import { streamDisputesCsv, streamDisputesXlsx } from "../views/export.ts";
import { openApiDocument } from "./openapi.ts";
import * as S from "./schemas.ts";
import { disputeJson, holdJson, planJson, reasonJson } from "./serialize.ts";

// The REST API under /api/v1: authenticate (before any body is read), check the token's scope, parse with
// zod, call the same use cases as Slack and Teams, serialise.

export type { LedgerImporter };

/** JSON bodies: small by default; ledger sync (people, customers, items) with the ledger scope may send more. */
export const JSON_LIMIT = "1mb";
export const LEDGER_JSON_LIMIT = "50mb";

function parse<T extends z.ZodType>(schema: T, value: unknown, prefix = ""): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const d = zodDetails(r.error, prefix);
    throw new BadRequest(`${d.field || "body"}: ${d.issues[0]?.message ?? "invalid"}`, d);
  }
  return r.data;
}

/** Runs before any body is read: an unknown caller never gets a byte parsed (nor buffered). */
function authenticate(tokens: ApiToken[]) {
  const hashed = tokens.map((t) => ({ name: t.name, scopes: t.scopes, digest: crypto.createHash("sha256").update(t.token).digest() }));
  return (req: Request, res: Response, next: () => void) => {
    const m = /^Bearer\s+(.+)$/i.exec(req.header("authorization") ?? "");
    const digest = m ? crypto.createHash("sha256").update(m[1]!.trim()).digest() : null;
    const who = digest && hashed.find((t) => crypto.timingSafeEqual(t.digest, digest));
    if (!who) {
      // the body (maybe large) is not read: close the connection rather than drain it
      if (req.headers["content-length"] || req.headers["transfer-encoding"]) res.set("Connection", "close");
      res.status(401).set("WWW-Authenticate", "Bearer").json({
        error: { code: "unauthorized", message: tokens.length ? "Missing or unknown API token" : "The REST API is off: set ACCORD_API_TOKENS", details: {} },
      });
      return;
    }
    res.locals.apiClient = who.name;
    res.locals.scopes = who.scopes;
    next();
  };
}

const scopesOf = (res: Response): ApiScope[] => (res.locals.scopes as ApiScope[] | undefined) ?? [];

/** The route needs one of these scopes (403 `forbidden` otherwise, before the body is read). */
function need(...anyOf: ApiScope[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const have = scopesOf(res);
    if (anyOf.some((s) => have.includes(s))) return next();
    if (req.headers["content-length"] || req.headers["transfer-encoding"]) res.set("Connection", "close");
    fail("forbidden", "api_scope", { client: String(res.locals.apiClient), method: req.method, path: `${req.baseUrl}${req.path}`, scopes: anyOf }, { field: "authorization", details: { tokenScopes: have } });
  };
}

/** How deep a JSON body may nest: no request of this API goes past a few levels; thousands would overflow a recursive reader. */
export const MAX_JSON_DEPTH = 32;

/** Every string of a JSON body is well-formed UTF-16 (no lone surrogate), else 400 naming the field; nesting is bounded. */
function wellFormedBody(req: Request, _res: Response, next: NextFunction) {
  if (nestedDeeperThan(req.body, MAX_JSON_DEPTH)) throw new BadRequest(`body: nested deeper than ${MAX_JSON_DEPTH} levels`, { field: "body", issues: [{ field: "body", message: "nested too deep" }] });
  const path = req.body === undefined ? null : illFormedPath(req.body);
  if (path !== null) throw new BadRequest(`${path || "body"}: text with a lone surrogate (not well-formed UTF-16)`, { field: path || "body", issues: [{ field: path || "body", message: "not well-formed UTF-16" }] });
  next();
}

/** A token with only the disputes scope reads on behalf of a person: it must say who (viewerEmail). */
function viewerOf(res: Response, viewerEmail: string | undefined): string | undefined {
  const scopes = scopesOf(res);
  if (viewerEmail === undefined && !scopes.includes("ledger") && !scopes.includes("admin")) {
    throw new BadRequest("viewerEmail: required with a token that has only the disputes scope", { field: "viewerEmail", issues: [{ field: "viewerEmail", message: "required" }] });
  }
  return viewerEmail;
}

export function apiRouter(deps: Deps, tokens: ApiToken[], ledger: LedgerImporter): Router {
  const r = express.Router();
  r.get("/openapi.json", (_req, res) => {
    res.json(openApiDocument());
  });
  r.use(authenticate(tokens));
  const json = (limit: string) => [express.json({ limit }), wellFormedBody];

  const reply = async (res: Response, d: Dispute, status = 200) => {
    res.status(status).json({ dispute: disputeJson(await getDispute(deps, { dispute: d.id })) });
  };

  // ---- ledger ----
  // The scope is checked before the (large) body is read; every other route reads at most JSON_LIMIT.
  for (const kind of ["people", "customers", "items"] as const) {
    r.post(`/${kind}`, need("ledger"), ...json(LEDGER_JSON_LIMIT), async (req, res) => {
      const rows = parse(S.peopleBody, req.body);
      const result = await syncLedger(deps, ledger, { kind, rows, mayManageAdmins: scopesOf(res).includes("admin") });
      res.json({ result: { rows: result.rows, inserted: result.inserted, updated: result.updated, unchanged: result.unchanged } });
    });
  }
  r.get("/reasons", need("admin", "disputes"), async (_req, res) => {
    res.json({ reasons: (await listReasons(deps)).map(reasonJson) });
  });
  // every other route: its scope, then a body of at most JSON_LIMIT
  r.use(["/reasons", "/settings", "/outbox"], need("admin"));
  r.use(["/disputes"], need("disputes"));
  r.use(["/people/:email/absences"], need("disputes", "admin"));
  r.use(["/digests"], need("disputes", "admin"));
  r.use(["/dunning/holds", "/dunning/preview", "/customers", "/aged-balance"], need("ledger", "disputes"));
  r.use(["/dunning/runs"], need("ledger"));
  r.use(...json(JSON_LIMIT));

  // ---- reasons & settings ----
  r.post("/reasons", async (req, res) => {
    const b = parse(S.createReasonBody, req.body);
    res.status(201).json({ reason: reasonJson(await createReason(deps, b)) });
  });
  r.patch("/reasons/:code", async (req, res) => {
    const { byEmail, ...patch } = parse(S.patchReasonBody, req.body);
    const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    res.json({ reason: reasonJson(await updateReason(deps, { code: req.params.code!, byEmail, patch: clean })) });
  });
  r.get("/settings", async (_req, res) => {
    res.json({ settings: await getSettings(deps) });
  });
  r.patch("/settings", async (req, res) => {
    const { byEmail, ...patch } = parse(S.patchSettingsBody, req.body);
    res.json({ settings: await updateSettings(deps, { byEmail, patch }) });
  });

  // ---- a person's own preferences ----
  r.patch("/preferences", need("disputes"), async (req, res) => {
    const b = parse(S.patchPreferencesBody, req.body);
    const on = b.notifyOpenerUpdates !== undefined ? await setOpenerUpdates(deps, { byEmail: b.byEmail, on: b.notifyOpenerUpdates }) : null;
    const chatPlatform = b.chatPlatform !== undefined ? await setChatPlatform(deps, { byEmail: b.byEmail, platform: b.chatPlatform }) : await chatPlatformOf(deps, b.byEmail);
    res.json({ preferences: { email: b.byEmail, notifyOpenerUpdates: on ?? (await deps.store.people.openerUpdates(b.byEmail)), chatPlatform } });
  });

  // ---- disputes ----
  r.post("/disputes", async (req, res) => {
    const b = parse(S.openDisputeBody, req.body);
    const key = req.header("idempotency-key")?.trim();
    const { dispute } = await openDispute(deps, {
      ...b,
      ...(key ? { idempotency: { key, hash: crypto.createHash("sha256").update(JSON.stringify(b)).digest("hex") } } : {}),
    });
    await reply(res, dispute, 201);
  });

  const listInput = (res: Response, q: unknown): ListDisputesInput => {
    const f = parse(S.listDisputesQuery, q);
    return { status: f.status, reasonCode: f.reason, ownerEmail: f.owner, customerRef: f.customer, overdue: f.overdue === "true", viewerEmail: viewerOf(res, f.viewerEmail), limit: f.limit, cursor: f.cursor };
  };
  r.get("/disputes", async (req, res) => {
    const page = await listDisputePage(deps, listInput(res, req.query));
    res.json({ disputes: page.disputes.map(disputeJson), next: page.next });
  });
  /**
   * Exports stream every match, read a page at a time: the first page before any byte is sent (a bad filter
   * is still a JSON error), then rows as pages come. A failure once the file has begun cuts the connection.
   */
  const streamExport = async (res: Response, input: ListDisputesInput, type: string, filename: string, write: (out: Response, pages: AsyncIterable<DisputeDetails[]>) => Promise<number>) => {
    const pages = disputePages(deps, { ...input, limit: undefined, cursor: undefined });
    const first = await pages.next();
    res.type(type).attachment(filename);
    async function* all() {
      if (first.done) return;
      yield first.value;
      yield* pages;
    }
    try {
      await write(res, all());
    } catch (err) {
      if (!res.headersSent) throw err;
      deps.log.warn({ err, filename }, "export stopped before its end");
      res.destroy();
    }
  };
  const exportInput = async (req: Request, res: Response) => {
    const { locale, ...query } = parse(S.exportQuery, req.query);
    const input = listInput(res, query);
    return { input, format: { now: deps.clock(), ...(await exportFormat(deps, { locale, viewerEmail: input.viewerEmail })) } };
  };
  r.get("/disputes/export.csv", async (req, res) => {
    const { input, format } = await exportInput(req, res);
    await streamExport(res, input, "text/csv; charset=utf-8", "disputes.csv", (out, pages) => streamDisputesCsv(out, pages, format));
  });
  r.get("/disputes/export.xlsx", async (req, res) => {
    const { input, format } = await exportInput(req, res);
    await streamExport(res, input, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "disputes.xlsx", (out, pages) => streamDisputesXlsx(out, pages, format));
  });
  r.get("/disputes/:id", async (req, res) => {
    const { viewerEmail } = parse(S.viewerQuery, req.query);
    res.json({ dispute: disputeJson(await getDispute(deps, { dispute: req.params.id!, viewerEmail: viewerOf(res, viewerEmail) })) });
  });
  r.patch("/disputes/:id", async (req, res) => {
    const b = parse(S.editDisputeBody, req.body);
    await reply(res, await editDispute(deps, { ...b, dispute: req.params.id! }));
  });
  r.post("/disputes/:id/comments", async (req, res) => {
    await reply(res, await commentDispute(deps, { ...parse(S.commentBody, req.body), dispute: req.params.id! }));
  });
  r.post("/disputes/:id/reassign", async (req, res) => {
    await reply(res, await reassignDispute(deps, { ...parse(S.reassignBody, req.body), dispute: req.params.id! }));
  });
  r.post("/disputes/:id/follow-up", async (req, res) => {
    await reply(res, await setFollowUp(deps, { ...parse(S.followUpBody, req.body), dispute: req.params.id! }));
  });
  r.post("/disputes/:id/withdraw", async (req, res) => {
    await reply(res, await withdrawDispute(deps, { ...parse(S.noteBody, req.body), dispute: req.params.id! }));
  });
  r.post("/disputes/:id/reopen", async (req, res) => {
    await reply(res, await reopenDispute(deps, { ...parse(S.noteBody, req.body), dispute: req.params.id! }));
  });
  r.post("/disputes/:id/release-holds", async (req, res) => {
    await reply(res, await releaseHolds(deps, { ...parse(S.noteBody, req.body), dispute: req.params.id! }));
  });
  r.post("/disputes/:id/resolve", async (req, res) => {
    await reply(res, await resolveDispute(deps, { ...parse(S.resolveBody, req.body), dispute: req.params.id! }));
  });
  // Nudge (issue 11): the owner gets a reminder now; at most one per dispute per hour (409 conflict with the next instant, Retry-After)
  r.post("/disputes/:id/nudge", async (req, res) => {
    const n = await nudgeDispute(deps, { ...parse(S.nudgeBody, req.body), dispute: req.params.id! });
    if (n.sent) return reply(res, n.dispute);
    res.setHeader("Retry-After", String(Math.max(1, Math.ceil((n.nextAt.getTime() - deps.clock().getTime()) / 1000))));
    res.status(409).json({
      error: {
        code: "conflict",
        message: `The owner of ${n.dispute.number} was nudged at ${n.lastAt.toISOString()}; the next nudge is possible at ${n.nextAt.toISOString()}.`,
        details: { reason: "nudged_recently", lastNudgeAt: n.lastAt.toISOString(), nextPossibleAt: n.nextAt.toISOString() },
      },
    });
  });

  // ---- absences and deputies ----
  const absenceJson = (a: Absence) => ({ id: a.id, personEmail: a.personEmail, fromOn: a.fromOn, untilOn: a.untilOn, deputyEmail: a.deputyEmail, createdAt: a.createdAt.toISOString() });
  /** A refusal in the caller's (byEmail's) language, the field named first; an unknown caller gets English. */
  const inCallersWords = async (res: Response, byEmail: unknown, run: () => Promise<void>) => {
    try {
      await run();
    } catch (err) {
      if (!(err instanceof AccordError) || err instanceof BadRequest || typeof byEmail !== "string") throw err;
      const caller = await deps.store.people.byEmail(byEmail.trim().toLowerCase());
      if (!caller) throw err;
      const text = errorText(err, caller.locale);
      sendError(res, STATUS[err.code], err.code, err.field ? `${err.field}${caller.locale === "fr" ? "\u00a0:" : ":"} ${text}` : text, err.details);
    }
  };
  r.get("/people/:email/absences", async (req, res) => {
    res.json({ absences: (await listAbsences(deps, { personEmail: String(req.params.email) })).map(absenceJson) });
  });
  r.post("/people/:email/absences", async (req, res) => {
    const b = parse(S.absenceBody, req.body);
    await inCallersWords(res, b.byEmail, async () => {
      res.status(201).json({ absence: absenceJson(await addAbsence(deps, { ...b, personEmail: String(req.params.email) })) });
    });
  });
  r.delete("/people/:email/absences/:id", async (req, res) => {
    const { byEmail } = parse(S.absenceDeleteQuery, req.query);
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id <= 0) throw new BadRequest("id: expected a positive integer", { field: "id", issues: [{ field: "id", message: "expected a positive integer" }] });
    await inCallersWords(res, byEmail, async () => {
      await removeAbsence(deps, { personEmail: String(req.params.email), byEmail, id });
      res.status(204).end();
    });
  });

  // ---- channels' digests (issue 11) ----
  const digestJson = (d: DigestSubscription) => ({
    id: d.id, platform: d.platform, channelId: d.channelId, time: d.time, cadence: d.cadence, always: d.always, reasonCode: d.reasonCode,
    ownerEmail: d.ownerEmail, locale: d.locale, createdByEmail: d.createdByEmail, createdAt: d.createdAt.toISOString(), coveredUntil: d.coveredUntil?.toISOString() ?? null,
  });
  r.get("/digests", async (req, res) => {
    const qy = parse(S.digestQuery, req.query);
    res.json({ digests: (await deps.store.digest.subscriptions({ platform: qy.platform ?? "slack", ...(qy.channelId ? { channelId: qy.channelId } : {}) })).map(digestJson) });
  });
  r.post("/digests", async (req, res) => {
    const b = parse(S.digestBody, req.body);
    await inCallersWords(res, b.byEmail, async () => {
      const { subscription, created } = await subscribeDigest(deps, { ...b, platform: b.platform ?? "slack" });
      res.status(created ? 201 : 200).json({ digest: digestJson(subscription) });
    });
  });
  r.delete("/digests", async (req, res) => {
    const qy = parse(S.digestDeleteQuery, req.query);
    await inCallersWords(res, qy.byEmail, async () => {
      res.json({ removed: await unsubscribeDigest(deps, { byEmail: qy.byEmail, platform: qy.platform ?? "slack", channelId: qy.channelId }) });
    });
  });

  // ---- collections module ----
  r.get("/dunning/holds", async (req, res) => {
    const customer = typeof req.query.customer === "string" ? req.query.customer : undefined;
    res.json({ holds: (await listHolds(deps, { customerRef: customer })).map(holdJson) });
  });
  r.get("/dunning/preview", async (req, res) => {
    const q = parse(S.previewQuery, req.query);
    const page = await previewDunningPage(deps, { on: q.on, mode: q.mode, customerRef: q.customer, limit: q.limit, cursor: q.cursor });
    res.json({ ...planJson(page), next: page.next });
  });
  r.post("/dunning/runs", async (req, res) => {
    const b = parse(S.runBody, req.body ?? {});
    const run = await runDunning(deps, b);
    res.status(201).json({ runId: run.runId, byEmail: run.byEmail, ...planJson(run) });
  });

  // ---- reports ----
  r.get("/customers/:ref/statement", async (req, res) => {
    const { viewerEmail } = parse(S.viewerQuery, req.query);
    const s = await customerStatement(deps, { customerRef: req.params.ref!, viewerEmail: viewerOf(res, viewerEmail) });
    const cur = (v: number, c: string) => formatAmount(v, c);
    res.json({
      customer: { ref: s.customer.ref, name: s.customer.name, currency: s.customer.currency, salesRepEmail: s.customer.salesRepEmail },
      flaggedBy: s.flaggedBy,
      items: s.lines.map((l) => ({
        ref: l.item.ref,
        kind: l.item.kind,
        issuedOn: l.item.issuedOn,
        dueOn: l.item.dueOn,
        amount: cur(l.item.amount, l.item.currency),
        openAmount: cur(l.item.openAmount, l.item.currency),
        disputedAmount: cur(l.disputed, l.item.currency),
        heldAmount: cur(l.held, l.item.currency),
        dunnableAmount: cur(dunnableOf(l), l.item.currency),
        currency: l.item.currency,
        level: l.item.dunningLevel,
        lastDunnedOn: l.item.lastDunnedOn,
        disputeStatus: l.disputeStatus,
        disputes: l.disputeNumbers,
      })),
      totals: Object.fromEntries(
        Object.entries(s.totals).map(([c, t]) => [c, { open: cur(t.open, c), disputed: cur(t.disputed, c), held: cur(t.held, c), dunnable: cur(t.dunnable, c) }]),
      ),
    });
  });
  r.get("/aged-balance", async (req, res) => {
    const { on } = parse(S.agedBalanceQuery, req.query);
    const a = await agedBalance(deps, { on });
    const fmtBuckets = (b: Record<string, number>, c: string) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, formatAmount(v, c)]));
    res.json({
      on: a.on,
      customers: a.rows.map((r) => ({
        customerRef: r.customer.ref,
        name: r.customer.name,
        currency: r.currency,
        flagged: r.flagged,
        buckets: fmtBuckets(r.buckets, r.currency),
        total: formatAmount(r.total, r.currency),
        disputed: formatAmount(r.disputed, r.currency),
        held: formatAmount(r.held, r.currency),
      })),
      totals: Object.fromEntries(
        Object.entries(a.totals).map(([c, t]) => [c, { buckets: fmtBuckets(t.buckets, c), total: formatAmount(t.total, c), disputed: formatAmount(t.disputed, c), held: formatAmount(t.held, c) }]),
      ),
    });
  });

  // ---- outbox ----
  const outboxMessage = (m: OutboxMessage) => ({
    id: m.id,
    channel: m.channel,
    type: m.type,
    orderKey: m.orderKey,
    status: m.status,
    attempts: m.attempts,
    nextAttemptAt: m.status === "pending" ? m.nextAttemptAt.toISOString() : null,
    lastError: m.lastError,
    createdAt: m.createdAt.toISOString(),
    deliveredAt: m.deliveredAt?.toISOString() ?? null,
    payload: JSON.parse(m.payload) as unknown,
  });
  r.get("/outbox", async (req, res) => {
    const q = parse(S.outboxQuery, req.query);
    const list = await deps.store.outbox.list({ ...(q.status ? { status: q.status } : {}), ...(q.channel ? { channel: q.channel } : {}) });
    res.json({ messages: list.map(outboxMessage) });
  });
  r.post("/outbox/:id/retry", async (req, res) => {
    const id = String(req.params.id).slice(0, 100);
    const m = await deps.store.outbox.retry(id, deps.clock());
    if (!m) return fail("not_found", "outbox_message_not_found", { id });
    res.json({ message: outboxMessage(m) });
  });
  r.use((req, res) => {
    res.status(404).json({ error: { code: "not_found", message: `No route ${req.method} ${req.baseUrl}${req.path}`, details: {} } });
  });
  return r;
}
