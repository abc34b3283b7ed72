// Block Kit renderer: platform-neutral view models -> Slack messages, modals and the Home tab, one file per
// surface in src/slack/blocks/ (kit.ts: what they share and the limit check).
export * from "./blocks/kit.ts";
export * from "./blocks/card.ts";
export * from "./blocks/forms.ts";
export * from "./blocks/home.ts";
