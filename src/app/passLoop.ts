// The loop both chat deliverers run (Slack's and Teams'): a pass when kicked (after a commit here, or a NOTIFY
// from another replica) and on a slow poll as the fallback; kicks during a pass ask for one more pass, never two
// passes at once; a failing pass is logged and the next kick tries again; stop() lets the current pass finish.

export interface PassLoopLog {
  error(obj: unknown, msg?: string): void;
}

export abstract class PassLoop {
  protected running: Promise<void> | null = null;
  protected stopped = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;

  protected constructor(
    private readonly loop: { name: string; log: PassLoopLog; pollMs?: number },
  ) {}

  /** One delivery pass: what is due now. */
  protected abstract pass(): Promise<void>;

  start(): void {
    this.stopped = false;
    const poll = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.kick();
        poll();
      }, this.loop.pollMs ?? 1000);
      this.timer.unref();
    };
    poll();
    this.kick();
  }

  /** Delivers what is due now (after a commit here, or a NOTIFY from another replica). */
  kick = (): void => {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.pass();
        } catch (err) {
          this.loop.log.error({ err }, `${this.loop.name} delivery pass failed`);
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = null;
    });
  };

  /** Stops polling and kicking; resolves when the current pass is over. */
  protected async stopLoop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Resolves once `settled()` says nothing is due or waiting and no pass runs (tests, benches), kicking a pass
   * meanwhile; gives up after `timeoutMs`.
   */
  protected async idleUntil(settled: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (this.running) await this.running;
      if ((await settled()) && !this.running) return;
      if (!this.running) this.kick();
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
