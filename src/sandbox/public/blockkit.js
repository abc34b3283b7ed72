// Block Kit -> DOM for the sandbox: messages, modals and the Home tab exactly as Accord posted them (the raw
// JSON the Web API stand-in captured). Interactive elements report Slack-shaped actions and keep a modal's
// input state in Slack's `view.state.values` shape. A block or element this file does not know is drawn as a
// visible red box carrying `data-unknown-block` / `data-unknown-element` (the Block Kit coverage test looks
// for them).

import { emojify, mrkdwn, plainOf, textObject } from "./mrkdwn.js";

export const BLOCK_TYPES = ["section", "header", "context", "actions", "input", "divider", "image"];
export const ELEMENT_TYPES = [
  "button", "overflow", "static_select", "external_select", "multi_static_select", "multi_external_select", "users_select",
  "multi_users_select", "datepicker", "timepicker", "checkboxes", "radio_buttons", "plain_text_input", "number_input",
  "email_text_input", "url_text_input", "image",
];

// ---- DOM helpers -------------------------------------------------------------------------------------

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

const words = (ctx, key, fallback) => ctx.t?.[key] ?? fallback;

function text(t, ctx) {
  const node = textObject(t, ctx);
  if (node) return node;
  return h("span", { class: "bk-unknown", "data-unknown-element": `text:${t?.type ?? typeof t}` }, `[text ${t?.type ?? "?"}]`);
}

function unknownBlock(b) {
  return h("div", { class: "bk-block bk-unknown", "data-unknown-block": String(b?.type ?? "?") }, `Unsupported block: ${b?.type ?? "?"}`);
}

function unknownElement(e) {
  return h("span", { class: "bk-unknown", "data-unknown-element": String(e?.type ?? "?") }, `Unsupported element: ${e?.type ?? "?"}`);
}

// ---- input state (Slack's view.state.values shape) -----------------------------------------------

/** The state an element starts with: its initial value, as Slack reports it. */
export function initialState(el) {
  switch (el.type) {
    case "plain_text_input":
    case "email_text_input":
    case "url_text_input":
    case "number_input":
      return { type: el.type, value: el.initial_value ?? null };
    case "datepicker":
      return { type: el.type, selected_date: el.initial_date ?? null };
    case "timepicker":
      return { type: el.type, selected_time: el.initial_time ?? null };
    case "static_select":
    case "external_select":
    case "radio_buttons":
      return { type: el.type, selected_option: el.initial_option ?? null };
    case "multi_static_select":
    case "multi_external_select":
    case "checkboxes":
      return { type: el.type, selected_options: el.initial_options ?? [] };
    case "users_select":
      return { type: el.type, selected_user: el.initial_user ?? null };
    case "multi_users_select":
      return { type: el.type, selected_users: el.initial_users ?? [] };
    default:
      return null;
  }
}

/**
 * The input state of one view across its versions: like Slack, a value the person entered survives
 * `views.update` as long as the input keeps its block_id and action_id; new inputs start from their
 * initial value. (One per view id: a pushed view has its own, and the one below keeps its values.)
 */
export class ViewValues {
  constructor() {
    this.values = {};
  }
  /** Aligns the state with this version of the view. */
  sync(view) {
    const next = {};
    for (const b of view.blocks ?? []) {
      if (b.type !== "input" || !b.element?.action_id || !b.block_id) continue;
      const kept = this.values[b.block_id]?.[b.element.action_id];
      const init = initialState(b.element);
      if (!init) continue;
      next[b.block_id] = { [b.element.action_id]: kept && kept.type === b.element.type ? kept : init };
    }
    this.values = next;
  }
  get(blockId, actionId) {
    return this.values[blockId]?.[actionId] ?? null;
  }
  set(blockId, actionId, state) {
    this.values[blockId] = { ...(this.values[blockId] ?? {}), [actionId]: state };
  }
  snapshot() {
    return JSON.parse(JSON.stringify(this.values));
  }
}

// ---- elements ------------------------------------------------------------------------------------

function optionLabel(o) {
  return plainOf(o?.text);
}

function allOptions(el) {
  if (Array.isArray(el.options)) return el.options;
  if (Array.isArray(el.option_groups)) return el.option_groups.flatMap((g) => g.options ?? []);
  return [];
}

function userOptions(ctx) {
  return (ctx.users ?? []).map((u) => ({ text: { type: "plain_text", text: u.name }, value: u.id }));
}

function confirmed(el) {
  if (!el.confirm) return true;
  const c = el.confirm;
  return window.confirm(`${plainOf(c.title)}\n\n${plainOf(c.text)}`);
}

/**
 * One element. `where`: "input" (an input block's element: its value goes to the state, and it dispatches
 * an action only with dispatch_action), "actions" or "accessory" (every change is an action).
 */
export function renderElement(el, blockId, ctx, where, dispatch = false) {
  if (!el || typeof el !== "object") return unknownElement(el);
  const actionId = el.action_id ?? "";
  const wrap = (...children) =>
    h("div", { class: `bk-el bk-el-${el.type}`, "data-element-type": el.type, "data-action-id": actionId, "data-in-block": blockId }, ...children);
  const inInput = where === "input";
  const state = inInput ? (ctx.values?.get(blockId, actionId) ?? initialState(el)) : initialState(el);
  const put = (patch) => {
    const next = { ...state, ...patch };
    Object.assign(state, patch);
    if (inInput) ctx.values?.set(blockId, actionId, next);
    return next;
  };
  /** after a change: an action when the element is interactive here */
  const changed = (patch) => {
    const next = put(patch);
    if (!inInput || dispatch) ctx.onAction?.({ ...next, type: el.type, action_id: actionId, block_id: blockId });
  };
  const placeholder = el.placeholder ? plainOf(el.placeholder) : "";

  switch (el.type) {
    case "button": {
      const b = h(
        "button",
        {
          type: "button",
          class: `bk-button${el.style ? ` bk-button-${el.style}` : ""}`,
          onclick: () => {
            if (!confirmed(el)) return;
            if (el.url) window.open(el.url, "_blank", "noopener");
            ctx.onAction?.({ type: "button", action_id: actionId, block_id: blockId, ...(el.value !== undefined ? { value: el.value } : {}) });
          },
        },
        text(el.text, ctx),
      );
      return wrap(b);
    }
    case "overflow": {
      const menu = h("div", { class: "bk-menu", role: "menu", hidden: true });
      const toggle = h("button", { type: "button", class: "bk-button bk-overflow", "aria-haspopup": "menu", "aria-label": words(ctx, "more", "More actions"), onclick: () => (menu.hidden = !menu.hidden) }, "⋯");
      for (const o of el.options ?? []) {
        menu.append(
          h(
            "button",
            {
              type: "button",
              role: "menuitem",
              class: "bk-menu-item",
              onclick: () => {
                menu.hidden = true;
                if (!confirmed(el)) return;
                ctx.onAction?.({ type: "overflow", action_id: actionId, block_id: blockId, selected_option: { text: o.text, value: o.value } });
              },
            },
            optionLabel(o),
          ),
        );
      }
      return wrap(toggle, menu);
    }
    case "plain_text_input":
    case "email_text_input":
    case "url_text_input":
    case "number_input": {
      const kind = { email_text_input: "email", url_text_input: "url", number_input: "text" }[el.type] ?? "text";
      const attrs = {
        class: "bk-input",
        placeholder,
        maxlength: el.max_length,
        minlength: el.min_length,
        "aria-label": ctx.label ?? placeholder,
        inputmode: el.type === "number_input" ? (el.is_decimal_allowed ? "decimal" : "numeric") : undefined,
        "data-bk-focus": `${blockId}/${actionId}`,
        oninput: (ev) => put({ value: ev.target.value === "" ? null : ev.target.value }),
        onkeydown: (ev) => {
          if (ev.key === "Enter" && (!el.multiline || ev.metaKey || ev.ctrlKey) && (dispatch || !inInput)) {
            ev.preventDefault();
            changed({ value: ev.target.value === "" ? null : ev.target.value });
          }
        },
      };
      const input = el.multiline ? h("textarea", { ...attrs, rows: 3 }) : h("input", { ...attrs, type: kind });
      input.value = state?.value ?? "";
      return wrap(input);
    }
    case "datepicker": {
      const input = h("input", {
        type: "date",
        class: "bk-input bk-date",
        "aria-label": ctx.label ?? placeholder,
        "data-bk-focus": `${blockId}/${actionId}`,
        onchange: (ev) => changed({ selected_date: ev.target.value || null }),
      });
      input.value = state?.selected_date ?? "";
      return wrap(input);
    }
    case "timepicker": {
      const input = h("input", { type: "time", class: "bk-input", "aria-label": ctx.label ?? placeholder, onchange: (ev) => changed({ selected_time: ev.target.value || null }) });
      input.value = state?.selected_time ?? "";
      return wrap(input);
    }
    case "static_select":
    case "users_select": {
      const users = el.type === "users_select";
      const options = users ? userOptions(ctx) : allOptions(el);
      const current = users ? state?.selected_user : state?.selected_option?.value;
      const select = h("select", {
        class: "bk-select",
        "aria-label": ctx.label ?? placeholder,
        "data-bk-focus": `${blockId}/${actionId}`,
        onchange: (ev) => {
          const v = ev.target.value;
          if (users) changed({ selected_user: v || null });
          else {
            const o = options.find((x) => x.value === v);
            changed({ selected_option: o ? { text: o.text, value: o.value } : null });
          }
        },
      });
      select.append(h("option", { value: "" }, placeholder || words(ctx, "choose", "Select an item")));
      const groups = !users && Array.isArray(el.option_groups) ? el.option_groups : [{ options }];
      for (const g of groups) {
        const parent = g.label ? h("optgroup", { label: plainOf(g.label) }) : select;
        for (const o of g.options ?? []) parent.append(h("option", { value: o.value }, optionLabel(o)));
        if (parent !== select) select.append(parent);
      }
      select.value = current ?? "";
      return wrap(select);
    }
    case "external_select":
    case "multi_external_select":
    case "multi_static_select":
    case "multi_users_select":
      return wrap(combo(el, blockId, ctx, state, changed, placeholder));
    case "checkboxes":
    case "radio_buttons": {
      const multi = el.type === "checkboxes";
      const box = h("div", { class: "bk-choices", role: multi ? "group" : "radiogroup", "aria-label": ctx.label ?? "" });
      const selected = new Set(multi ? (state?.selected_options ?? []).map((o) => o.value) : state?.selected_option ? [state.selected_option.value] : []);
      const name = `${blockId}/${actionId}`;
      for (const o of el.options ?? []) {
        const input = h("input", {
          type: multi ? "checkbox" : "radio",
          name,
          value: o.value,
          onchange: () => {
            const checked = [...box.querySelectorAll("input")].filter((i) => i.checked).map((i) => i.value);
            const opts = (el.options ?? []).filter((x) => checked.includes(x.value)).map((x) => ({ text: x.text, value: x.value }));
            changed(multi ? { selected_options: opts } : { selected_option: opts[0] ?? null });
          },
        });
        input.checked = selected.has(o.value);
        box.append(h("label", { class: "bk-choice" }, input, h("span", {}, text(o.text, ctx), o.description ? h("small", { class: "bk-muted" }, text(o.description, ctx)) : null)));
      }
      return wrap(box);
    }
    case "image":
      return wrap(h("img", { class: "bk-image-el", src: safeUrl(el.image_url), alt: el.alt_text ?? "" }));
    default:
      return unknownElement(el);
  }
}

function safeUrl(u) {
  return typeof u === "string" && /^https?:\/\//i.test(u) ? u : "";
}

/** Searchable select (type-ahead): external options, or static/users options filtered locally; single or multi. */
function combo(el, blockId, ctx, state, changed, placeholder) {
  const multi = el.type.startsWith("multi_");
  const source = el.type.endsWith("external_select") ? "external" : el.type.endsWith("users_select") ? "users" : "static";
  const minQuery = source === "external" ? (el.min_query_length ?? 3) : 0;
  const root = h("div", { class: "bk-combo" });
  const chips = h("div", { class: "bk-chips" });
  const input = h("input", { type: "text", class: "bk-input bk-combo-input", role: "combobox", "aria-expanded": "false", "aria-autocomplete": "list", "aria-label": ctx.label ?? placeholder, placeholder: placeholder || words(ctx, "search", "Search…"), autocomplete: "off", "data-bk-focus": `${blockId}/${el.action_id}` });
  const list = h("ul", { class: "bk-listbox", role: "listbox", hidden: true });
  const userName = (id) => ctx.userName?.(id) ?? id;
  const selectedOptions = () =>
    source === "users" ? (state?.selected_users ?? []).map((id) => ({ text: { type: "plain_text", text: userName(id) }, value: id })) : multi ? (state?.selected_options ?? []) : state?.selected_option ? [state.selected_option] : [];
  const drawChips = () => {
    chips.replaceChildren();
    if (!multi) {
      if (document.activeElement !== input) input.value = state?.selected_option ? optionLabel(state.selected_option) : "";
      return;
    }
    for (const o of selectedOptions()) {
      chips.append(
        h(
          "span",
          { class: "bk-chip", "data-value": o.value },
          optionLabel(o),
          h("button", { type: "button", class: "bk-chip-x", "aria-label": `${words(ctx, "remove", "Remove")} ${optionLabel(o)}`, onclick: () => choose(o, true) }, "×"),
        ),
      );
    }
  };
  let seq = 0;
  const show = (options) => {
    list.replaceChildren();
    const taken = new Set(selectedOptions().map((o) => o.value));
    const shown = options.filter((o) => !multi || !taken.has(o.value));
    if (!shown.length) list.append(h("li", { class: "bk-option-empty" }, words(ctx, "noResults", "No results")));
    for (const o of shown) {
      list.append(
        h(
          "li",
          {
            role: "option",
            class: "bk-option",
            "data-value": o.value,
            onmousedown: (ev) => {
              ev.preventDefault();
              choose(o, false);
            },
          },
          optionLabel(o),
        ),
      );
    }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  };
  const hide = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
  };
  const load = async () => {
    const q = input.value;
    if (q.length < minQuery) return hide();
    const mine = ++seq;
    let options;
    if (source === "external") {
      try {
        options = (await ctx.loadOptions?.({ actionId: el.action_id, blockId, query: q })) ?? [];
      } catch {
        options = [];
      }
    } else {
      const all = source === "users" ? userOptions(ctx) : allOptions(el);
      options = all.filter((o) => optionLabel(o).toLowerCase().includes(q.toLowerCase()));
    }
    if (mine === seq && document.activeElement === input) show(options);
  };
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(load, source === "external" ? 120 : 0);
  });
  input.addEventListener("focus", () => {
    if (!multi) input.value = "";
    load();
  });
  input.addEventListener("blur", () => {
    setTimeout(() => {
      hide();
      drawChips();
    }, 120);
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") hide();
    if (ev.key === "Enter") {
      ev.preventDefault();
      const first = list.querySelector("[role=option]");
      if (first && !list.hidden) first.dispatchEvent(new MouseEvent("mousedown"));
    }
  });
  function choose(o, remove) {
    const opt = { text: o.text, value: o.value };
    if (source === "users") {
      const ids = state?.selected_users ?? [];
      changed({ selected_users: remove ? ids.filter((x) => x !== o.value) : [...ids, o.value] });
    } else if (multi) {
      const cur = state?.selected_options ?? [];
      changed({ selected_options: remove ? cur.filter((x) => x.value !== o.value) : [...cur, opt] });
    } else {
      changed({ selected_option: opt });
      input.value = optionLabel(opt);
      input.blur();
    }
    if (multi) {
      input.value = "";
      hide();
    }
    drawChips();
  }
  drawChips();
  root.append(chips, input, list);
  return root;
}

// ---- blocks --------------------------------------------------------------------------------------

export function renderBlock(b, ctx) {
  if (!b || typeof b !== "object") return unknownBlock(b);
  const blockId = b.block_id ?? "";
  const box = (...children) => h("div", { class: `bk-block bk-b-${b.type}`, "data-block-type": b.type, "data-block-id": blockId || undefined }, ...children);
  switch (b.type) {
    case "section": {
      const parts = [];
      if (b.text) parts.push(h("div", { class: "bk-text" }, text(b.text, ctx)));
      if (Array.isArray(b.fields) && b.fields.length) parts.push(h("div", { class: "bk-fields" }, b.fields.map((f) => h("div", { class: "bk-field" }, text(f, ctx)))));
      const main = h("div", { class: "bk-section-main" }, parts);
      const accessory = b.accessory ? h("div", { class: "bk-accessory" }, renderElement(b.accessory, blockId, ctx, "accessory")) : null;
      return box(main, accessory);
    }
    case "header":
      return box(h("div", { class: "bk-header-text", role: "heading", "aria-level": "3" }, text(b.text, ctx)));
    case "context":
      return box(
        (b.elements ?? []).map((e) =>
          e?.type === "image" ? h("img", { class: "bk-context-img", src: safeUrl(e.image_url), alt: e.alt_text ?? "", "data-element-type": "image" }) : h("span", { class: "bk-context-item" }, text(e, ctx)),
        ),
      );
    case "actions":
      return box(h("div", { class: "bk-actions-row" }, (b.elements ?? []).map((e) => renderElement(e, blockId, ctx, "actions"))));
    case "divider":
      return box(h("hr", { class: "bk-hr" }));
    case "image":
      return box(
        b.title ? h("div", { class: "bk-image-title" }, text(b.title, ctx)) : null,
        h("img", { class: "bk-image", src: safeUrl(b.image_url), alt: b.alt_text ?? "" }),
      );
    case "input": {
      const label = plainOf(b.label);
      const id = `bk-${Math.random().toString(36).slice(2, 9)}`;
      const err = ctx.errors?.[blockId];
      const el = renderElement(b.element, blockId, { ...ctx, label }, "input", Boolean(b.dispatch_action));
      const control = el.querySelector("input, textarea, select");
      if (control && !control.id) control.id = id;
      return box(
        h("label", { class: "bk-label", for: control ? control.id : undefined }, label, b.optional ? h("span", { class: "bk-optional" }, ` (${words(ctx, "optional", "optional")})`) : null),
        el,
        b.hint ? h("div", { class: "bk-hint" }, text(b.hint, ctx)) : null,
        err ? h("div", { class: "bk-error", role: "alert" }, err) : null,
      );
    }
    default:
      return unknownBlock(b);
  }
}

export function renderBlocks(blocks, ctx) {
  return h("div", { class: "bk-blocks" }, (Array.isArray(blocks) ? blocks : []).map((b) => renderBlock(b, ctx)));
}

// ---- surfaces --------------------------------------------------------------------------------------

/** A message: its blocks, or its text when it has none (as Slack shows it). */
export function renderMessageBody(msg, ctx) {
  if (Array.isArray(msg.blocks) && msg.blocks.length) return renderBlocks(msg.blocks, { ...ctx, surface: "message" });
  return h("div", { class: "bk-blocks" }, h("div", { class: "bk-text" }, mrkdwn(msg.text ?? "", ctx)));
}

/** A modal view: title, close, blocks, submit. `ctx.onSubmit` / `ctx.onClose`. */
export function renderModal(view, ctx) {
  const title = plainOf(view.title);
  return h(
    "div",
    { class: "bk-modal", role: "dialog", "aria-modal": "true", "aria-label": title, "data-view-id": view.id ?? "", "data-callback-id": view.callback_id ?? "", "data-surface": "modal" },
    h("header", { class: "bk-modal-head" }, h("h2", { class: "bk-modal-title" }, emojify(title)), h("button", { type: "button", class: "bk-modal-x", "aria-label": plainOf(view.close) || "Close", onclick: () => ctx.onClose?.() }, "×")),
    h("div", { class: "bk-modal-body" }, renderBlocks(view.blocks, { ...ctx, surface: "modal" })),
    h(
      "footer",
      { class: "bk-modal-foot" },
      h("button", { type: "button", class: "bk-button bk-modal-close", onclick: () => ctx.onClose?.() }, plainOf(view.close) || words(ctx, "cancel", "Cancel")),
      view.submit ? h("button", { type: "button", class: "bk-button bk-button-primary bk-modal-submit", onclick: () => ctx.onSubmit?.() }, plainOf(view.submit)) : null,
    ),
  );
}

export function renderHome(view, ctx) {
  return h("div", { class: "bk-home", "data-surface": "home" }, renderBlocks(view.blocks, { ...ctx, surface: "home" }));
}

/** Any captured surface ({ kind: "message" | "modal" | "home", payload }): what the coverage test feeds. */
export function renderSurface(surface, ctx = {}) {
  const c = { values: new ViewValues(), ...ctx };
  if (surface.kind === "modal") {
    c.values.sync(surface.payload);
    return renderModal(surface.payload, c);
  }
  if (surface.kind === "home") return renderHome(surface.payload, c);
  return h("div", { class: "msg", "data-surface": "message" }, renderMessageBody(surface.payload, c));
}
