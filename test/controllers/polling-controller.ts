// What the Argo CD and Flux test controllers share: a loop that looks at the cluster every pollMs, a stop that waits
// for the syncs under way, and failures sorted into transient (retried on the next look) and kept (for the test).
import { ClusterApi, isTransient, messageOf } from './cluster-api';

export interface PollingControllerOptions {
  kubeconfig: string;
  context: string;
  pollMs?: number;
  /** Called with each thing it does (for test logs). */
  log?: (message: string) => void;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export abstract class PollingController<Options extends PollingControllerOptions> {
  protected readonly api: ClusterApi;
  protected stopped = false;
  private loop: Promise<void> | undefined;
  /** The objects being synced now: stop() waits for them. */
  protected readonly busy = new Set<string>();
  readonly errors: string[] = [];

  constructor(
    protected readonly options: Options,
    private readonly name: string,
  ) {
    this.api = new ClusterApi(options.kubeconfig, options.context);
  }

  /** One look at the cluster. */
  protected abstract tick(): Promise<void>;

  start(): this {
    this.loop = (async () => {
      while (!this.stopped) {
        await this.tick().catch((error: unknown) => this.failed(error));
        await sleep(this.options.pollMs ?? 300);
      }
    })();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    while (this.busy.size) await sleep(50);
  }

  /** A transient failure is logged and retried on the next look; any other is kept for the test to see. */
  protected failed(error: unknown): void {
    if (isTransient(error)) this.log(`retrying after: ${messageOf(error)}`);
    else {
      this.errors.push(messageOf(error));
      this.log(`error: ${messageOf(error)}`);
    }
  }

  protected log(message: string): void {
    this.options.log?.(`[${this.name}] ${message}`);
  }
}
