// The sandbox workspace's channels (beside each person's DM with Accord): the managers' digest channel, to which
// the demo subscribes the daily digest (src/app/seedDemo.ts) and which Accord is a member of, as after
// `/invite @Accord`. Shown in the page's side bar.

export interface SandboxChannel {
  id: string;
  name: string;
}

export const DIGEST_CHANNEL: SandboxChannel = { id: "C0LITIGES1", name: "litiges-direction" };

export const SANDBOX_CHANNELS: readonly SandboxChannel[] = [DIGEST_CHANNEL];
