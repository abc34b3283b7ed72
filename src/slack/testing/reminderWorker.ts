import pino from "pino";
import { loadConfig } from "../../config.ts";
import { startAccord } from "../../server.ts";

// One Accord process for the reminder crash tests (src/slack/reminders.crash.test.ts): the settings from its
// environment (DATABASE_URL, SLACK_API_URL...), the business clock at WORKER_AT, the background tick out of
// the way; it runs the reminder job once at WORKER_AT, prints `RAN <done>`, then delivers until it is killed.

async function main(): Promise<void> {
  const at = new Date(process.env.WORKER_AT ?? "");
  if (Number.isNaN(at.getTime())) throw new Error("WORKER_AT must be an instant");
  const accord = await startAccord(loadConfig({ ...process.env, ACCORD_TICK_SECONDS: "3600" }, process.cwd()), { clock: () => at, logger: pino({ level: "silent" }) });
  const outcome = await accord.jobs.find((j) => j.name === "followups.remind")!.run(at);
  process.stdout.write(`RAN ${outcome.done}\n`);
  process.on("SIGTERM", () => void accord.stop().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
