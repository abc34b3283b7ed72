// The sandbox page: pick who to be, see your DM with Accord, its modals and your Home tab, and the embedded
// collections module. Everything Accord shows comes from GET /sandbox/api/state (the raw Block Kit the Web
// API stand-in captured); every click or submission goes to the sandbox API, which signs it and forwards it
// to Accord's real POST /slack/events. Updates arrive as Server-Sent Events.

import * as blockkit from "./blockkit.js";
import { h, renderHome, renderMessageBody, renderModal, ViewValues } from "./blockkit.js";
import { formats, words } from "./i18n.js";
import * as mrkdwn from "./mrkdwn.js";

// the renderers, for the Block Kit coverage test and for poking at in the console
window.accordSandbox = { blockkit, mrkdwn };

const $ = (sel) => document.querySelector(sel);

const S = {
  personas: [],
  me: null,
  t: words("en"),
  f: formats("en", "Europe/Paris"),
  tab: "messages",
  state: null,
  /** input state per open view id (a pushed view has its own; the one below keeps its values) */
  viewValues: new Map(),
  modalKey: "",
  homeSig: "",
  openThreads: new Set(),
  nodes: new Map(),
  notes: [],
  coll: { mode: "", customer: "" },
  collections: null,
  collSig: "",
  customersSig: "",
  refreshing: null,
  again: false,
  /** the conversation shown: null = the DM with Accord, else one of the workspace's channels */
  channel: null,
  channels: [],
  /** posts of each channel already seen (the side bar marks the new ones) */
  seenPosts: new Map(),
  clock: null,
  advancing: false,
};

async function api(path, body) {
  const init = body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  const res = await fetch(`/sandbox/api${path}`, init);
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json?.error?.message ?? `HTTP ${res.status}`);
  return json;
}

function toast(message) {
  const el = $("#toast");
  el.textContent = message;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (el.hidden = true), 5000);
}

const userName = (id) => S.personas.find((p) => p.id === id)?.name ?? null;
const users = () => S.personas.map((p) => ({ id: p.id, name: p.name }));

function bk(extra = {}) {
  return { t: S.t, userName, users: users(), ...extra };
}

/** Where the conversation shown is, for the sandbox API (absent: the DM). */
const here = () => (S.channel ? { channel: S.channel } : {});
const channelName = () => S.channels.find((c) => c.id === S.channel)?.name ?? S.channel;

async function act(where, action, values) {
  try {
    await api("/action", { user: S.me.id, where, action, ...(values ? { values } : {}) });
  } catch (err) {
    toast(`${S.t.failed}: ${err.message}`);
  }
}

// ---- persona & language --------------------------------------------------------------------------

function applyPersona() {
  const lang = S.me.locale === "fr" ? "fr" : "en";
  S.t = words(lang);
  S.f = formats(lang, S.me.timezone || "Europe/Paris");
  document.documentElement.lang = lang;
  document.title = S.t.htmlTitle;
  $("#banner-title").textContent = S.t.banner;
  $("#banner-text").textContent = S.t.bannerText;
  $("#teams-later").textContent = S.t.later;
  $("#tab-teams").title = S.t.teamsLater;
  $("#clock-slot").title = S.t.clockHint;
  $("#clock-label").textContent = S.t.clock;
  $("#clock-tomorrow").textContent = S.t.advanceTomorrow;
  $("#clock-week").textContent = S.t.advanceWeek;
  $("#side-channels").textContent = S.t.channels;
  $("#side-apps").textContent = S.t.apps;
  $("#persona-label").textContent = S.t.youAre;
  $("#tab-messages").textContent = S.t.messages;
  $("#tab-home").textContent = S.t.home;
  $("#composer-input").placeholder = S.channel ? S.t.channelComposer(channelName()) : S.t.composer;
  $("#composer-send").textContent = S.t.send;
  $("#coll-title").textContent = S.t.collections;
  $("#coll-hint").textContent = S.t.collectionsHint;
  $("#coll-customer-label").textContent = S.t.customer;
  $("#ledger-title").textContent = S.t.ledgerTitle;
  $("#ledger-hint").textContent = S.t.ledgerHint;
  for (const el of document.querySelectorAll("[data-w]")) el.textContent = S.t[el.dataset.w] ?? el.textContent;
  $("#ledger-submit").textContent = S.t.importIt;
  const select = $("#persona");
  select.replaceChildren(...S.personas.map((p) => h("option", { value: p.id }, `${p.name} — ${S.t.roles[p.role] ?? p.role} · ${p.locale.toUpperCase()}`)));
  select.value = S.me.id;
  $("#side-me").replaceChildren(h("span", { class: "avatar small" }, initials(S.me.name)), " ", S.me.name);
  renderChips();
  // what was shown belongs to the previous person
  S.viewValues.clear();
  S.modalKey = "";
  S.homeSig = "";
  S.collSig = "";
  S.customersSig = "";
  S.openThreads.clear();
  S.nodes.clear();
  S.notes = [];
  $("#ledger-result").textContent = "";
  $("#messages").replaceChildren();
  $("#home").replaceChildren();
  $("#modal-layer").hidden = true;
  $("#modal-layer").replaceChildren();
  renderClock();
  renderSidebar();
  setTab(S.tab);
}

// ---- the sandbox's clock ---------------------------------------------------------------------------

function renderClock() {
  $("#clock-date").textContent = S.clock ? S.f.clock(S.clock.now) : "";
  if (S.clock) $("#clock-date").dataset.now = S.clock.now;
  for (const b of document.querySelectorAll(".clock-button")) b.disabled = S.advancing;
}

async function advance(to) {
  if (S.advancing) return;
  S.advancing = true;
  renderClock();
  try {
    const r = await api("/clock", { user: S.me.id, advance: to });
    S.clock = r.clock;
    toast(S.t.advanced(S.f.clock(r.clock.now), r.ran["followups.remind"]?.done ?? 0, r.ran["digests.post"]?.done ?? 0));
  } catch (err) {
    toast(`${S.t.failed}: ${err.message}`);
  } finally {
    S.advancing = false;
    renderClock();
  }
  scheduleRefresh();
}

// ---- the side bar: the workspace's channels, then the DM with Accord ---------------------------------

function renderSidebar() {
  const list = $("#side-channel-list");
  list.replaceChildren(
    ...S.channels.map((c) => {
      const fresh = Math.max(0, c.posts - (S.seenPosts.get(c.id) ?? c.posts));
      return h(
        "button",
        { type: "button", class: `side-item${S.channel === c.id ? " active" : ""}`, "data-channel": c.id, "aria-current": S.channel === c.id ? "true" : undefined, onclick: () => openConversation(c.id) },
        h("span", { class: "hash", "aria-hidden": "true" }, "#"),
        ` ${c.name}`,
        fresh ? h("span", { class: "badge", "data-new": String(fresh) }, String(fresh)) : null,
      );
    }),
  );
  const accord = $("#side-accord");
  accord.classList.toggle("active", !S.channel);
  if (S.channel) accord.removeAttribute("aria-current");
  else accord.setAttribute("aria-current", "true");
}

function openConversation(channel) {
  if (S.channel === channel) return;
  S.channel = channel;
  S.nodes.clear();
  S.notes = [];
  S.openThreads.clear();
  $("#messages").replaceChildren();
  $("#chat-title").replaceChildren(
    ...(channel ? [h("span", { class: "hash big", "aria-hidden": "true" }, "#"), " ", h("strong", {}, channelName())] : [h("span", { class: "logo", "aria-hidden": "true" }, "A"), " ", h("strong", {}, "Accord"), " ", h("span", { class: "app-badge" }, "APP")]),
  );
  // a channel has no Home tab (display, not `hidden`: the tabs are laid out as flex)
  $(".subtabs").style.display = channel ? "none" : "";
  renderChips();
  $("#composer-input").placeholder = channel ? S.t.channelComposer(channelName()) : S.t.composer;
  renderSidebar();
  setTab("messages");
  scheduleRefresh();
}

/** Commands to try: in a channel, the digest's. */
function renderChips() {
  const commands = S.channel ? ["/dispute digest", "/dispute digest here 09:00", "/dispute help"] : ["/dispute new", "/dispute list", "/dispute list all", "/dispute help"];
  $("#suggestions").replaceChildren(h("span", { class: "hint" }, S.t.tryThese), ...commands.map((c) => h("button", { type: "button", class: "chip", onclick: () => fill(c) }, c)));
}

function fill(text) {
  const input = $("#composer-input");
  input.value = text;
  input.focus();
}

function initials(name) {
  return name
    .split(/\s+/)
    .map((w) => w[0] ?? "")
    .join("")
    .slice(0, 2)
    .toUpperCase();
}

function setTab(tab) {
  S.tab = tab;
  $("#tab-messages").setAttribute("aria-selected", String(tab === "messages"));
  $("#tab-home").setAttribute("aria-selected", String(tab === "home"));
  $("#messages").hidden = tab !== "messages";
  $("#composer").hidden = tab !== "messages";
  $("#home").hidden = tab !== "home";
  if (tab === "home") {
    if (!S.state?.home) $("#home").replaceChildren(h("p", { class: "hint pad" }, S.t.homeLoading));
    api("/home", { user: S.me.id }).catch((err) => toast(err.message));
  }
}

// ---- refresh -----------------------------------------------------------------------------------------

function scheduleRefresh() {
  if (S.refreshing) {
    S.again = true;
    return;
  }
  S.refreshing = refreshAll()
    .catch((err) => console.warn("refresh failed", err))
    .finally(() => {
      S.refreshing = null;
      if (S.again) {
        S.again = false;
        scheduleRefresh();
      }
    });
}

async function refreshAll() {
  await Promise.all([refreshState(), refreshCollections()]);
}

async function refreshState() {
  const me = S.me.id;
  const channel = S.channel;
  const st = await api(`/state?user=${encodeURIComponent(me)}${channel ? `&channel=${encodeURIComponent(channel)}` : ""}`);
  if (S.me.id !== me || S.channel !== channel) return;
  S.state = st;
  S.clock = st.clock;
  S.channels = st.channels;
  for (const c of st.channels) if (!S.seenPosts.has(c.id) || c.id === channel) S.seenPosts.set(c.id, c.posts);
  renderClock();
  renderSidebar();
  renderTimeline();
  renderModalLayer();
  renderHomeTab();
}

// ---- the DM ------------------------------------------------------------------------------------------

function renderTimeline() {
  const box = $("#messages");
  const entries = S.state.timeline;
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
  const before = box.childElementCount;
  const wanted = [];
  if (!entries.length) {
    wanted.push(
      S.channel
        ? h("div", { class: "intro" }, h("span", { class: "hash big" }, "#"), h("p", {}, S.t.emptyChannel(channelName())))
        : h("div", { class: "intro" }, h("span", { class: "logo big" }, "A"), h("p", {}, S.t.emptyDm)),
    );
  }
  for (const e of entries) {
    const open = S.openThreads.has(e.ts);
    const sig = `${open}|${JSON.stringify(e)}`;
    const known = S.nodes.get(e.ts);
    if (known && known.sig === sig) wanted.push(known.node);
    else {
      const node = messageNode(e, open);
      S.nodes.set(e.ts, { sig, node });
      wanted.push(node);
    }
  }
  for (const n of S.notes) wanted.push(n);
  // move only what changed: a node that stays put keeps its focus (a reply being typed)
  wanted.forEach((node, i) => {
    if (box.children[i] !== node) box.insertBefore(node, box.children[i] ?? null);
  });
  while (box.childElementCount > wanted.length) box.lastElementChild.remove();
  if (atBottom || box.childElementCount > before) box.scrollTop = box.scrollHeight;
}

function author(e) {
  if (!e.user) return { name: S.t.appName, avatar: h("span", { class: "logo" }, "A"), app: true };
  const name = userName(e.user) ?? e.user;
  return { name: e.user === S.me.id ? `${name}` : name, avatar: h("span", { class: "avatar" }, initials(name)), app: false };
}

function meta(e) {
  const a = author(e);
  return h("div", { class: "msg-meta" }, h("strong", {}, a.name), a.app ? h("span", { class: "app-badge" }, S.t.app) : null, h("time", {}, S.f.time(e.at)), e.edited ? h("span", { class: "muted" }, ` ${S.t.edited}`) : null);
}

function messageNode(e, open) {
  const where = { kind: "message", ts: e.ts, ...(e.ephemeral ? { ephemeral: true } : {}), ...here() };
  const a = author(e);
  const body = e.kind === "file"
    ? h("div", { class: "file" }, h("span", { class: "file-icon", "aria-hidden": "true" }, "▤"), h("span", {}, e.file.filename), " ", h("a", { href: `/sandbox/api/files/${e.file.id}`, download: e.file.filename }, S.t.download))
    : renderMessageBody(e, bk({ onAction: (x) => act(where, x) }));
  const thread = [];
  if (e.replies.length) {
    thread.push(
      h("button", { type: "button", class: "thread-toggle", "aria-expanded": String(open), onclick: () => toggleThread(e.ts) }, open ? S.t.hideReplies : S.t.replies(e.replies.length)),
    );
  }
  if (open) thread.push(threadNode(e));
  const tools = [];
  if (!e.ephemeral && e.kind === "message") {
    const menu = h("div", { class: "bk-menu", role: "menu", hidden: true });
    menu.append(
      h("button", { type: "button", role: "menuitem", class: "bk-menu-item", onclick: () => { menu.hidden = true; toggleThread(e.ts, true); } }, S.t.replyPlaceholder.split("…")[0]),
      h("button", { type: "button", role: "menuitem", class: "bk-menu-item", onclick: () => { menu.hidden = true; shortcut(e.ts); } }, S.t.openDispute),
    );
    tools.push(h("div", { class: "msg-tools" }, h("button", { type: "button", class: "bk-button bk-overflow", "aria-label": S.t.moreActions, title: S.t.moreActions, onclick: () => (menu.hidden = !menu.hidden) }, "⋯"), menu));
  }
  return h(
    "article",
    { class: `msg${e.ephemeral ? " ephemeral" : ""}`, "data-ts": e.ts, "data-kind": e.kind, "data-ephemeral": e.ephemeral ? "true" : undefined },
    h("div", { class: "msg-avatar" }, a.avatar),
    h("div", { class: "msg-main" }, meta(e), e.ephemeral ? h("div", { class: "only-you" }, S.t.onlyYou) : null, body, ...thread),
    ...tools,
  );
}

function threadNode(e) {
  const input = h("input", { type: "text", class: "bk-input", placeholder: S.t.replyPlaceholder, "aria-label": S.t.replyPlaceholder });
  const form = h(
    "form",
    {
      class: "reply-form",
      onsubmit: async (ev) => {
        ev.preventDefault();
        const text = input.value.trim();
        if (!text) return;
        input.value = "";
        try {
          await api("/message", { user: S.me.id, text, threadTs: e.ts, ...here() });
        } catch (err) {
          toast(err.message);
        }
      },
    },
    input,
    h("button", { type: "submit", class: "bk-button" }, S.t.send),
  );
  return h(
    "div",
    { class: "thread", "data-thread": e.ts },
    e.replies.map((r) =>
      h(
        "div",
        { class: `reply${r.ephemeral ? " ephemeral" : ""}`, "data-ts": r.ts },
        h("div", { class: "msg-avatar small" }, author(r).avatar),
        h("div", { class: "msg-main" }, meta(r), r.ephemeral ? h("div", { class: "only-you" }, S.t.onlyYou) : null, renderMessageBody(r, bk({ onAction: (x) => act({ kind: "message", ts: r.ts, ...(r.ephemeral ? { ephemeral: true } : {}), ...here() }, x) }))),
      ),
    ),
    form,
  );
}

function toggleThread(ts, open) {
  if (open ?? !S.openThreads.has(ts)) S.openThreads.add(ts);
  else S.openThreads.delete(ts);
  renderTimeline();
  if (S.openThreads.has(ts)) document.querySelector(`[data-thread="${CSS.escape(ts)}"] input`)?.focus();
}

async function shortcut(ts) {
  try {
    await api("/shortcut", { user: S.me.id, ts, ...here() });
  } catch (err) {
    toast(err.message);
  }
}

// ---- the modal ---------------------------------------------------------------------------------------

function rememberFocus() {
  const a = document.activeElement;
  if (!a?.dataset?.bkFocus) return null;
  return { key: a.dataset.bkFocus, start: a.selectionStart ?? null, end: a.selectionEnd ?? null };
}

function restoreFocus(f) {
  if (!f) return;
  const el = document.querySelector(`#modal-layer [data-bk-focus="${CSS.escape(f.key)}"]`);
  if (!el) return;
  el.focus();
  if (f.start !== null && typeof el.setSelectionRange === "function" && el.type !== "date") {
    try {
      el.setSelectionRange(f.start, f.end);
    } catch {
      /* not a text field */
    }
  }
}

function renderModalLayer() {
  const layer = $("#modal-layer");
  const m = S.state.modal;
  if (!m) {
    layer.hidden = true;
    layer.replaceChildren();
    S.modalKey = "";
    S.viewValues.clear();
    return;
  }
  const key = `${m.view.id}:${m.view.hash}:${JSON.stringify(m.errors)}`;
  if (key === S.modalKey) return;
  S.modalKey = key;
  const focus = rememberFocus();
  const viewId = m.view.id;
  let values = S.viewValues.get(viewId);
  if (!values) S.viewValues.set(viewId, (values = new ViewValues()));
  values.sync(m.view);
  const node = renderModal(
    m.view,
    bk({
      values,
      errors: m.errors,
      onAction: (x) => act({ kind: "view", viewId }, x, values.snapshot()),
      loadOptions: async ({ actionId, blockId, query }) => (await api("/options", { user: S.me.id, viewId, actionId, blockId, value: query, values: values.snapshot() })).options,
      onSubmit: () => submit(viewId, node, values),
      onClose: () => closeModal(viewId),
    }),
  );
  if (m.depth > 1) node.classList.add("pushed");
  layer.replaceChildren(h("div", { class: "modal-backdrop" }), node);
  layer.hidden = false;
  restoreFocus(focus);
  if (!focus) node.querySelector("input, textarea, select")?.focus({ preventScroll: true });
}

async function submit(viewId, node, values) {
  const button = node.querySelector(".bk-modal-submit");
  if (button) button.disabled = true;
  try {
    await api("/submit", { user: S.me.id, viewId, values: values.snapshot() });
  } catch (err) {
    toast(`${S.t.failed}: ${err.message}`);
  } finally {
    if (button) button.disabled = false;
  }
  scheduleRefresh();
}

async function closeModal(viewId) {
  try {
    await api("/close", { user: S.me.id, viewId });
  } catch (err) {
    toast(err.message);
  }
  scheduleRefresh();
}

// ---- Home ------------------------------------------------------------------------------------------

function renderHomeTab() {
  const home = S.state.home;
  if (!home) return;
  const sig = JSON.stringify(home);
  if (sig === S.homeSig) return;
  S.homeSig = sig;
  $("#home").replaceChildren(renderHome(home, bk({ onAction: (x) => act({ kind: "home" }, x) })));
}

// ---- the collections panel -------------------------------------------------------------------------

async function refreshCollections() {
  const q = new URLSearchParams();
  if (S.coll.mode) q.set("mode", S.coll.mode);
  if (S.coll.customer) q.set("customer", S.coll.customer);
  const c = await api(`/collections?${q}`);
  S.collections = c;
  renderCollections();
}

function customerLabel(c) {
  const extra = S.t.customerCounts(c.holds, c.openDisputes);
  return `${c.ref} · ${c.name}${extra ? ` (${extra})` : ""}`;
}

function renderCustomers(c) {
  const sig = JSON.stringify(c.customers) + S.t.htmlTitle;
  if (sig === S.customersSig) return;
  S.customersSig = sig;
  const select = $("#coll-customer");
  select.replaceChildren(h("option", { value: "" }, S.t.allCustomers), ...c.customers.map((x) => h("option", { value: x.ref }, customerLabel(x))));
  select.value = S.coll.customer;
  const ledger = $("#ledger-customer");
  const keep = ledger.value;
  ledger.replaceChildren(...c.customers.map((x) => h("option", { value: x.ref }, `${x.ref} · ${x.name}`)));
  ledger.value = keep || S.coll.customer || c.customers[0]?.ref || "";
  if (!$("#ledger-date").value) $("#ledger-date").value = c.on;
}

function renderCollections() {
  const c = S.collections;
  if (!c) return;
  renderCustomers(c);
  const sig = JSON.stringify(c) + S.t.htmlTitle;
  if (sig === S.collSig) return;
  S.collSig = sig;
  const f = S.f;
  const t = S.t;
  const holds = c.customer ? c.holds.filter((x) => x.customerRef === c.customer.ref) : c.holds;
  const holdsNode = h(
    "section",
    { class: "coll-holds", "data-section": "holds" },
    h("h3", {}, `${t.holdsTitle} (${holds.length})`),
    holds.length
      ? h(
          "table",
          { class: "grid" },
          h("thead", {}, h("tr", {}, h("th", {}, t.item), h("th", {}, t.customer), h("th", {}, t.dispute), h("th", { class: "num" }, t.held), h("th", {}, t.since))),
          h(
            "tbody",
            {},
            holds.map((x) =>
              h(
                "tr",
                { "data-hold": "", "data-item": x.itemRef, "data-customer": x.customerRef, "data-dispute": x.disputeNumber, "data-amount": x.amount, "data-kind": x.kind },
                h("td", {}, x.itemRef),
                h("td", { title: x.customerName }, x.customerRef),
                h("td", {}, x.disputeNumber, h("div", { class: "muted small" }, t.kind[x.kind] ?? x.kind)),
                h("td", { class: "num" }, f.amount(x.amount, x.currency)),
                h("td", {}, f.date(x.since)),
              ),
            ),
          ),
        )
      : h("p", { class: "hint" }, t.noHolds),
  );
  const modeButton = (mode, label) =>
    h(
      "button",
      {
        type: "button",
        class: `seg${c.mode === mode ? " on" : ""}`,
        "aria-pressed": String(c.mode === mode),
        "data-mode": mode,
        onclick: () => {
          S.coll.mode = mode;
          refreshCollections().catch((err) => toast(err.message));
        },
      },
      label,
      c.companyMode === mode ? h("small", { class: "muted" }, ` · ${t.companyMode}`) : null,
    );
  const levelName = (l) => t.levels[l] ?? l;
  const letters = c.preview.letters;
  const totals = {};
  for (const l of letters) totals[l.currency] = (totals[l.currency] ?? 0) + Number(l.total);
  const runNode = h(
    "section",
    { class: "coll-run", "data-section": "run" },
    h("h3", {}, t.runTitle(f.date(c.on))),
    h("div", { class: "segs", role: "group" }, modeButton("item", t.perItem), modeButton("account", t.perAccount)),
    letters.length ? h("p", { class: "hint", "data-run-summary": "" }, t.runSummary(letters.length, Object.entries(totals).map(([cur, v]) => f.amount(v.toFixed(2), cur)).join(" + "))) : null,
    letters.length
      ? letters.map((l) =>
          h(
            "div",
            { class: "letter", "data-letter": "", "data-customer": l.customerRef, "data-level": l.level, "data-total": l.total },
            h(
              "div",
              { class: "letter-head" },
              h("strong", {}, `${l.level}`),
              ` ${l.customerRef} · ${l.customerName}`,
              l.flagged ? h("span", { class: "flag", title: t.flagged }, " L") : null,
              h("span", { class: "num right" }, f.amount(l.total, l.currency)),
            ),
            h(
              "ul",
              { class: "lines" },
              l.items.map((x) =>
                h(
                  "li",
                  { "data-line": "", "data-ref": x.ref, "data-amount": x.amount, "data-held": x.heldAmount },
                  h("span", {}, `${x.ref} `, h("span", { class: "muted small" }, `${t.kinds[x.kind] ?? x.kind} · ${t.due} ${f.date(x.dueOn)} · ${levelName(x.fromLevel)} → ${levelName(x.level)}`)),
                  h(
                    "span",
                    { class: "num" },
                    f.amount(x.amount, l.currency),
                    Number(x.heldAmount) ? h("div", { class: "held small" }, `+ ${f.amount(x.heldAmount, l.currency)} ${t.notClaimed}`) : null,
                  ),
                ),
              ),
            ),
          ),
        )
      : h("p", { class: "hint" }, t.noLetters),
    c.preview.notSent.length
      ? h(
          "div",
          { "data-not-sent": "" },
          h("p", { class: "hint" }, t.notSent(c.preview.notSent.length)),
          h(
            "ul",
            { class: "lines" },
            c.preview.notSent.map((x) =>
              h(
                "li",
                { "data-not-sent-ref": x.ref, "data-reason": x.reason },
                h("span", {}, `${x.customerRef} · ${x.ref} `, h("span", { class: "muted small" }, t.whyNotSent(x, { level: levelName, date: f.date, amount: (v) => f.amount(v, x.currency) }))),
                h("span", { class: "num" }, f.amount(x.openAmount, x.currency)),
              ),
            ),
          ),
        )
      : null,
  );
  const statementNode = c.statement
    ? h(
        "section",
        { class: "coll-statement", "data-section": "statement" },
        h("h3", {}, `${t.statementTitle} · ${c.customer.name}`),
        h(
          "table",
          { class: "grid" },
          h("thead", {}, h("tr", {}, h("th", {}, t.item), h("th", { class: "num" }, t.open), h("th", { class: "num" }, t.held), h("th", { class: "num" }, t.dunnable))),
          h(
            "tbody",
            {},
            c.statement.map((x) =>
              h(
                "tr",
                { "data-statement-ref": x.ref, "data-held": x.held, class: Number(x.held) ? "is-held" : "" },
                h(
                  "td",
                  { class: "wrap" },
                  x.ref,
                  h("div", { class: "muted small" }, [`${t.kinds[x.kind] ?? x.kind} · ${t.due} ${f.date(x.dueOn)} · ${levelName(x.level)}`, x.status !== "none" ? ` · ${t.status[x.status]} ${x.disputes.join(", ")}` : ""].join("")),
                ),
                h("td", { class: "num" }, f.amount(x.open, x.currency)),
                h("td", { class: "num" }, Number(x.held) ? f.amount(x.held, x.currency) : "—"),
                h("td", { class: "num" }, f.amount(x.dunnable, x.currency)),
              ),
            ),
          ),
        ),
      )
    : null;
  $("#coll-dynamic").replaceChildren(holdsNode, runNode, statementNode ?? "");
}

// ---- wiring --------------------------------------------------------------------------------------------

function bind() {
  $("#persona").addEventListener("change", (ev) => {
    const p = S.personas.find((x) => x.id === ev.target.value);
    if (!p) return;
    S.me = p;
    localStorage.setItem("accord.sandbox.user", p.id);
    applyPersona();
    scheduleRefresh();
  });
  $("#tab-messages").addEventListener("click", () => setTab("messages"));
  $("#tab-home").addEventListener("click", () => setTab("home"));
  $("#side-accord").addEventListener("click", () => openConversation(null));
  for (const b of document.querySelectorAll(".clock-button")) b.addEventListener("click", () => advance(b.dataset.advance));
  $("#composer").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const input = $("#composer-input");
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    try {
      if (text.startsWith("/")) {
        const r = await api("/command", { user: S.me.id, text, ...here() });
        if (r.error === "unknown_command") {
          S.notes.push(h("article", { class: "msg ephemeral local" }, h("div", { class: "msg-avatar" }, h("span", { class: "logo" }, "A")), h("div", { class: "msg-main" }, h("div", { class: "only-you" }, S.t.onlyYou), h("p", {}, S.t.unknownCommand(r.command)))));
          renderTimeline();
        }
      } else await api("/message", { user: S.me.id, text, ...here() });
    } catch (err) {
      toast(err.message);
    }
  });
  $("#coll-customer").addEventListener("change", (ev) => {
    S.coll.customer = ev.target.value;
    if (S.coll.customer) $("#ledger-customer").value = S.coll.customer;
    refreshCollections().catch((err) => toast(err.message));
  });
  $("#ledger").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const out = $("#ledger-result");
    out.className = "ledger-result";
    out.textContent = "…";
    try {
      const { result } = await api("/ledger/credit-note", {
        customerRef: $("#ledger-customer").value,
        ref: $("#ledger-ref").value.trim(),
        amount: $("#ledger-amount").value.trim(),
        ...($("#ledger-date").value ? { issuedOn: $("#ledger-date").value } : {}),
      });
      out.textContent = S.t.imported(result);
      out.classList.add("ok");
    } catch (err) {
      out.textContent = `${S.t.failed}: ${err.message}`;
      out.classList.add("error");
    }
    scheduleRefresh();
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && S.state?.modal && !document.querySelector(".bk-listbox:not([hidden])")) closeModal(S.state.modal.view.id);
  });
  document.addEventListener("click", (ev) => {
    for (const menu of document.querySelectorAll(".bk-menu:not([hidden])")) if (!menu.parentElement.contains(ev.target)) menu.hidden = true;
  });
}

function connect() {
  let poll = null;
  const es = new EventSource("/sandbox/api/stream");
  es.addEventListener("change", () => scheduleRefresh());
  es.addEventListener("open", () => {
    clearInterval(poll);
    poll = null;
  });
  es.addEventListener("error", () => {
    if (!poll) poll = setInterval(scheduleRefresh, 2000);
  });
}

async function boot() {
  const info = await api("/info");
  S.personas = info.personas;
  const wanted = new URL(location.href).searchParams.get("as");
  const saved = localStorage.getItem("accord.sandbox.user");
  S.me =
    S.personas.find((p) => p.id === wanted || p.email === wanted) ??
    S.personas.find((p) => p.id === saved) ??
    S.personas.find((p) => p.role === "controller") ??
    S.personas[0];
  if (!S.me) {
    document.body.append(h("p", { class: "pad" }, "No people in this workspace."));
    return;
  }
  bind();
  applyPersona();
  connect();
  await refreshAll();
  document.body.dataset.ready = "true";
}

boot().catch((err) => toast(String(err?.message ?? err)));
