import { fail } from "./errors.ts";
import { available, type Command } from "./lifecycle.ts";
import type { Customer, Dispute, Person, Role } from "./types.ts";

// README.md "Who may do what", as data. The same check serves Slack, Teams and the REST API.
export const ACTIONS = [
  "open",
  "view",
  "edit",
  "comment",
  "follow_up",
  "reassign",
  "resolve",
  "withdraw",
  "reopen",
  "release_holds",
  "nudge",
  "subscribe_digest",
  "admin",
  "run_dunning",
] as const;
export type Action = (typeof ACTIONS)[number];

type Actor = "controller" | "owner" | "manager" | "admin";

const TABLE: Record<Action, readonly Actor[]> = {
  open: ["controller", "admin"],
  view: ["controller", "owner", "manager", "admin"],
  edit: ["controller", "admin"],
  comment: ["controller", "owner", "manager", "admin"],
  follow_up: ["controller", "owner", "admin"],
  reassign: ["controller", "owner", "manager", "admin"],
  resolve: ["controller", "owner", "admin"],
  withdraw: ["controller", "admin"],
  reopen: ["controller", "admin"],
  release_holds: ["controller", "admin"],
  nudge: ["controller", "manager", "admin"],
  subscribe_digest: ["controller", "manager", "admin"],
  admin: ["admin"],
  /** execute a dunning run (letters, levels and last-reminder dates move) */
  run_dunning: ["controller", "admin"],
};

/** Who may own (be the resolution owner of) a dispute: every role but manager (support, logistics... load as sales). */
export const OWNER_ROLES: readonly Role[] = ["controller", "sales", "admin"];
export const mayOwnDisputes = (person: Pick<Person, "role">): boolean => OWNER_ROLES.includes(person.role);

function actorsOf(person: Person, dispute?: Pick<Dispute, "ownerEmail">): Actor[] {
  const a: Actor[] = [];
  if (person.role === "controller" || person.role === "admin" || person.role === "manager") a.push(person.role);
  // Owning never grants more than the role allows: a manager who owns a dispute acts as a manager.
  if (dispute && dispute.ownerEmail === person.email && mayOwnDisputes(person)) a.push("owner");
  return a;
}

/** The roles that may take an action on no dispute in particular (open one, subscribe a channel…). */
export function rolesAllowed(action: Action): Role[] {
  return (["controller", "sales", "manager", "admin"] as const).filter((role) => TABLE[action].includes(role as Actor));
}

export function can(person: Person, action: Action, dispute?: Pick<Dispute, "ownerEmail">, customer?: Pick<Customer, "salesRepEmail">): boolean {
  const allowed = TABLE[action];
  if (actorsOf(person, dispute).some((a) => allowed.includes(a))) return true;
  // Sales reps see the disputes of their own customers.
  return action === "view" && person.role === "sales" && !!customer && customer.salesRepEmail === person.email;
}

export function assertCan(person: Person, action: Action, dispute?: Pick<Dispute, "ownerEmail" | "number">, customer?: Pick<Customer, "salesRepEmail">): void {
  if (!can(person, action, dispute, customer)) {
    fail("forbidden", "forbidden_action", { email: person.email, role: person.role, action, ...(dispute ? { number: dispute.number } : {}) });
  }
}

/** The commands a card offers, in the card's order; which of them a dispute allows is the lifecycle's table. */
const CARD_COMMANDS = ["comment", "reassign", "follow_up", "resolve", "edit", "withdraw", "reopen", "release_holds"] as const satisfies readonly (Action & Command)[];

/** The actions a viewer may take on a dispute in its current status: what a card shows them. */
export function allowedActions(person: Person, dispute: Dispute, customer: Pick<Customer, "salesRepEmail">): Action[] {
  return CARD_COMMANDS.filter((c) => available(dispute, c) && can(person, c, dispute, customer));
}
