import { answered, asError, type ChatConnection } from './hub-connection.js';
import { HubMethods } from './hub-protocol.js';

/** How long a departing connection waits for the server to confirm LeaveGroup. */
const LEAVE_TIMEOUT_MS = 1000;

/** What the membership asks of the controller that owns the connection. */
export interface MembershipHost {
  /** Whether this is still the connection in use: work begun for a replaced one stops. */
  live(connection: ChatConnection, generation: number): boolean;
  /** After each successful `JoinGroup`. */
  onJoined(group: string): void;
  /** A `JoinGroup` the server refused; it is asked again after a back-off. */
  onError(error: Error): void;
  /** A `JoinGroup` that got no answer, or that SignalR would not send: the connection only looks open, and must be replaced. */
  onDead(): void;
  /** Delay before asking a refused join again. */
  retryDelay(attempt: number): number;
  /** How long a `JoinGroup` may take. */
  timeout(): number;
}

/**
 * Which group the widget wants and which one the current connection has joined, and the JoinGroup /
 * LeaveGroup calls that bring the second to the first.
 */
export class GroupMembership {
  #group?: string;
  #joined?: string;
  /** A refused JoinGroup is asked again on the same connection after a back-off; a dead one is replaced after it. */
  #retryTimer?: ReturnType<typeof setTimeout>;
  #attempt = 0;
  /** The membership changes of the current connection, one after another. */
  #changes?: { connection: ChatConnection; done: Promise<void> };

  constructor(private readonly host: MembershipHost) {}

  /** The group joined on the current connection, if any. */
  get joined(): string | undefined {
    return this.#joined;
  }

  /** Sets the group wanted; answers whether that changed it. */
  want(group: string | undefined): boolean {
    if (group === this.#group) return false;
    this.#group = group;
    return true;
  }

  /** A new connection is up: nothing is joined on it yet. Refusals are counted on until a join succeeds. */
  connected() {
    this.#joined = undefined;
  }

  /** The connection is gone: nothing is joined. Answers what was, and plans no more retries. */
  forget(): string | undefined {
    clearTimeout(this.#retryTimer);
    const joined = this.#joined;
    this.#joined = undefined;
    return joined;
  }

  /**
   * Brings this connection's membership to the wanted group. One change at a time per connection: a
   * switch that arrives while a join is on its way waits for its answer, then leaves that group, so the
   * server never keeps a group the widget has moved away from (whose pushes would reach the new one).
   */
  follow(connection: ChatConnection, generation: number): Promise<void> {
    const previous = this.#changes?.connection === connection ? this.#changes.done : undefined;
    const done = (previous ?? Promise.resolve()).then(() => this.#follow(connection, generation));
    this.#changes = { connection, done };
    return done;
  }

  /**
   * Leaves what is joined and no longer wanted, then joins the group. Joining is what makes the
   * connection useful (pushes, and the catch-up `onJoined` starts), so it is not given up: a refusal is
   * reported and asked again after a back-off, and no answer at all means the connection only looks
   * open, so it is replaced.
   */
  async #follow(connection: ChatConnection, generation: number) {
    const live = () => this.host.live(connection, generation);
    while (live() && this.#joined !== this.#group) {
      const joined = this.#joined;
      if (joined !== undefined) {
        this.#joined = undefined;
        await connection.invoke(HubMethods.leaveGroup, joined).catch(() => undefined);
        continue;
      }
      const group = this.#group;
      if (group === undefined) return;
      clearTimeout(this.#retryTimer);
      let ok: boolean;
      try {
        ok = await answered(connection.invoke(HubMethods.joinGroup, group), this.host.timeout());
      } catch (error) {
        if (!live()) return;
        // SignalR's own refusal, before a byte left: the connection under the hub connection is gone without a
        // close (SignalR's start can end connected over a server-sent events stream reset during its ping), and a
        // soak ended with a widget connected, silent, asking forever. It is replaced after the back-off, which
        // grows until a join succeeds: a path where every connection ends so must not become a loop.
        const dead = String(error).includes("'Connected' State");
        if (!dead) {
          // Refused a group no longer wanted: nothing to tell, the wanted one is next.
          if (group !== this.#group) continue;
          this.host.onError(asError(error));
        }
        this.#retryTimer = setTimeout(() => {
          if (live() && this.#joined === undefined) void (dead ? this.host.onDead() : this.follow(connection, generation));
        }, this.host.retryDelay(this.#attempt++));
        return;
      }
      if (!live()) return;
      if (!ok) {
        this.host.onDead();
        return;
      }
      // Joined on the server even when no longer wanted: the next turn of the loop leaves it then.
      this.#joined = group;
      if (group !== this.#group) continue;
      this.#attempt = 0;
      this.host.onJoined(group);
    }
  }
}

/**
 * Leaves `group` on a departing connection, bounded: over a connection that has silently died the answer
 * never comes, and the server drops a closed connection from its groups by itself.
 */
export async function leaveBriefly(connection: ChatConnection, group: string): Promise<void> {
  const leaving = connection.invoke(HubMethods.leaveGroup, group).catch(() => undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([leaving, new Promise(resolve => (timer = setTimeout(resolve, LEAVE_TIMEOUT_MS)))]);
  clearTimeout(timer);
}
