// Slack's mrkdwn and text objects -> DOM, safely (text nodes only, never innerHTML): *bold*, _italic_,
// ~strike~, `code`, ```pre```, > quotes, <@U…> mentions, <url|label> links, :emoji: and the three
// entities Slack asks senders to escape (&amp; &lt; &gt;).

const EMOJI = {
  warning: "⚠️", white_check_mark: "✅", heavy_check_mark: "✔️", x: "❌", hourglass: "⌛", hourglass_flowing_sand: "⏳",
  bell: "🔔", memo: "📝", moneybag: "💰", page_facing_up: "📄", calendar: "📆", date: "📅", spiral_calendar_pad: "🗓️",
  bust_in_silhouette: "👤", busts_in_silhouette: "👥", lock: "🔒", unlock: "🔓", rotating_light: "🚨", red_circle: "🔴",
  large_green_circle: "🟢", large_orange_circle: "🟠", large_yellow_circle: "🟡", white_circle: "⚪", large_blue_circle: "🔵",
  arrow_right: "➡️", arrow_forward: "▶️", repeat: "🔁", mag: "🔍", inbox_tray: "📥", outbox_tray: "📤", speech_balloon: "💬",
  pushpin: "📌", fire: "🔥", tada: "🎉", eyes: "👀", information_source: "ℹ️", link: "🔗", alarm_clock: "⏰", scales: "⚖️",
  receipt: "🧾", euro: "💶", no_entry: "⛔", no_entry_sign: "🚫", thumbsup: "👍", "+1": "👍", raised_hands: "🙌", zap: "⚡",
  email: "📧", envelope: "✉️", wave: "👋", sparkles: "✨", hammer_and_wrench: "🛠️", clipboard: "📋", bar_chart: "📊",
  chart_with_upwards_trend: "📈", hand: "✋", pause_button: "⏸️", arrow_up: "⬆️", arrow_down: "⬇️", heavy_plus_sign: "➕",
  pencil2: "✏️", wastebasket: "🗑️", gear: "⚙️", bulb: "💡", question: "❓", exclamation: "❗", bangbang: "‼️",
};

export function emojify(s) {
  return s.replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] ?? m);
}

export function decode(s) {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

const FORMAT =
  /(`[^`\n]+`)|((?<![\p{L}\p{N}*])\*(?!\s)[^*\n]+?(?<!\s)\*(?![\p{L}\p{N}*]))|((?<![\p{L}\p{N}_])_(?!\s)[^_\n]+?(?<!\s)_(?![\p{L}\p{N}_]))|((?<![\p{L}\p{N}~])~(?!\s)[^~\n]+?(?<!\s)~(?![\p{L}\p{N}~]))/u;
const TOKEN = /\u0000(\d+)\u0000/;

/** A `<…>` control sequence: a mention, a channel, a special mention, a date, or a link. */
function token(inner, ctx) {
  const [target, label] = splitOnce(inner, "|");
  if (target.startsWith("@")) {
    const id = target.slice(1);
    const span = document.createElement("span");
    span.className = "bk-mention";
    span.dataset.user = id;
    span.textContent = "@" + (ctx.userName?.(id) ?? label ?? id);
    return span;
  }
  if (target.startsWith("#")) {
    const span = document.createElement("span");
    span.className = "bk-mention";
    span.textContent = "#" + (label ?? target.slice(1));
    return span;
  }
  if (target.startsWith("!")) {
    const span = document.createElement("span");
    const name = target.slice(1);
    if (name.startsWith("date^")) {
      span.textContent = label ?? name.split("^").pop();
      return span;
    }
    span.className = "bk-mention";
    span.textContent = label ?? (name.startsWith("subteam^") ? "@team" : "@" + name);
    return span;
  }
  if (/^(https?:|mailto:)/i.test(target)) {
    const a = document.createElement("a");
    a.href = target;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.textContent = decode(label ?? target);
    return a;
  }
  return document.createTextNode(decode(label ?? target));
}

function splitOnce(s, sep) {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

const BARE_URL = /\bhttps?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'"]/g;

/** Plain words, with bare URLs made links (as Slack does). */
function words(s, parent) {
  let last = 0;
  for (const m of s.matchAll(BARE_URL)) {
    if (m.index > last) parent.append(document.createTextNode(emojify(s.slice(last, m.index))));
    const a = document.createElement("a");
    a.href = m[0];
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.textContent = m[0];
    parent.append(a);
    last = m.index + m[0].length;
  }
  if (last < s.length) parent.append(document.createTextNode(emojify(s.slice(last))));
}

function text(s, parent, tokens, ctx, code = false) {
  let rest = s;
  let m;
  const plain = (x) => (code ? parent.append(document.createTextNode(decode(x))) : words(decode(x), parent));
  while ((m = TOKEN.exec(rest))) {
    if (m.index) plain(rest.slice(0, m.index));
    parent.append(code ? document.createTextNode(`<${decode(tokens[Number(m[1])])}>`) : token(tokens[Number(m[1])], ctx));
    rest = rest.slice(m.index + m[0].length);
  }
  if (rest) plain(rest);
}

function formatted(s, parent, tokens, ctx) {
  let rest = s;
  let m;
  while ((m = FORMAT.exec(rest))) {
    if (m.index) text(rest.slice(0, m.index), parent, tokens, ctx);
    const inner = m[0].slice(1, -1);
    const tag = m[1] ? "code" : m[2] ? "strong" : m[3] ? "em" : "s";
    const node = document.createElement(tag);
    if (tag === "code") text(inner, node, tokens, ctx, true);
    else formatted(inner, node, tokens, ctx);
    parent.append(node);
    rest = rest.slice(m.index + m[0].length);
  }
  if (rest) text(rest, parent, tokens, ctx);
}

function inline(line, parent, ctx) {
  const tokens = [];
  const protectedLine = line.replace(/<([^<>\n]+)>/g, (_, inner) => {
    tokens.push(inner);
    return `\u0000${tokens.length - 1}\u0000`;
  });
  formatted(protectedLine, parent, tokens, ctx);
}

/** mrkdwn text -> a fragment. `ctx.userName(id)` names mentioned users. */
export function mrkdwn(source, ctx = {}) {
  const frag = document.createDocumentFragment();
  String(source ?? "")
    .split("```")
    .forEach((part, i) => {
      if (i % 2 === 1) {
        const pre = document.createElement("pre");
        pre.className = "bk-pre";
        pre.textContent = decode(part.replace(/^\n/, ""));
        frag.append(pre);
        return;
      }
      const lines = part.split("\n");
      let quote = null;
      lines.forEach((line, j) => {
        if (line.startsWith(">")) {
          if (!quote) {
            quote = document.createElement("blockquote");
            quote.className = "bk-quote";
            frag.append(quote);
          } else quote.append(document.createElement("br"));
          inline(line.slice(1), quote, ctx);
          return;
        }
        const afterQuote = quote !== null;
        quote = null;
        if (j > 0 && !afterQuote) frag.append(document.createElement("br"));
        inline(line, frag, ctx);
      });
    });
  return frag;
}

/** A text object ({ type: "plain_text" | "mrkdwn", text }) -> a fragment; null when it is not a text object. */
export function textObject(t, ctx = {}) {
  if (!t || typeof t !== "object") return null;
  if (t.type === "mrkdwn") return t.verbatim ? verbatim(t.text) : mrkdwn(t.text, ctx);
  if (t.type === "plain_text") return document.createTextNode(t.emoji === false ? String(t.text ?? "") : emojify(String(t.text ?? "")));
  return null;
}

function verbatim(s) {
  const frag = document.createDocumentFragment();
  String(s ?? "")
    .split("\n")
    .forEach((line, i) => {
      if (i) frag.append(document.createElement("br"));
      frag.append(document.createTextNode(decode(line)));
    });
  return frag;
}

/** The plain words of a text object (labels of options, titles). */
export function plainOf(t) {
  if (!t) return "";
  if (typeof t === "string") return t;
  const s = String(t.text ?? "");
  return t.type === "mrkdwn" ? decode(s).replace(/[*_~`]/g, "") : emojify(s);
}
