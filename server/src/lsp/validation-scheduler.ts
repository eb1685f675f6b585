// When to validate: at once for a newly opened document, shortly after the last keystroke for an edit (so a burst of
// typing is validated once), never twice for the same pending change.

/** Long enough to coalesce a burst of keystrokes, short enough to feel immediate. */
const TYPING_DELAY_MS = 15;

export class ValidationScheduler {
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly run: (uri: string) => void) {}

  now(uri: string): void {
    this.schedule(uri, 0);
  }

  soon(uri: string): void {
    this.schedule(uri, TYPING_DELAY_MS);
  }

  cancel(uri: string): void {
    const timer = this.pending.get(uri);
    if (timer) clearTimeout(timer);
    this.pending.delete(uri);
  }

  private schedule(uri: string, delay: number): void {
    this.cancel(uri);
    this.pending.set(
      uri,
      setTimeout(() => {
        this.pending.delete(uri);
        this.run(uri);
      }, delay),
    );
  }
}
