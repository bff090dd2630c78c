/**
 * Nothing a `deno test` process starts may outlive the kit. The kit starts
 * each test process in a session and process group of its own (`detached`),
 * where its helpers and tcpdump captures (`timeout --foreground` keeps them
 * in it) stay, and puts a small watchdog beside it: a shell that waits on a
 * pipe from the kit and, when the kit closes it, asks for it, or dies in any
 * way (SIGKILL included, since the kernel then closes the pipe), sends
 * SIGTERM to the whole group, then SIGKILL to what is left after a grace.
 *
 * @module
 */

/** Between the group's SIGTERM and its SIGKILL, in tenths of a second. */
const GRACE_TENTHS = 20;

/**
 * The watchdog: `$1` is the process group. It reads one line or EOF, then
 * kills the group; it prints `killed` when the group still had a process.
 */
const WATCHDOG = `pg=$1
read -r _ || :
kill -TERM -"$pg" 2>/dev/null || exit 0
echo killed
i=0
while kill -0 -"$pg" 2>/dev/null; do
  i=$((i + 1))
  if [ "$i" -ge ${GRACE_TENTHS} ]; then kill -KILL -"$pg" 2>/dev/null; exit 0; fi
  sleep 0.1
done`;

/**
 * Guards one process group: {@linkcode GroupGuard.kill} ends it now,
 * {@linkcode GroupGuard.end} once its leader has exited. If the kit dies
 * first, the watchdog ends the group by itself.
 *
 * @example
 * ```ts ignore
 * import { GroupGuard } from "./process_group.ts";
 * const child = new Deno.Command("deno", { args: ["test"], detached: true }).spawn();
 * const guard = GroupGuard.start(child.pid);
 * await child.status;
 * await guard?.end();
 * ```
 */
export class GroupGuard {
  readonly #watchdog: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  readonly #said: Promise<string>;
  #ending?: Promise<boolean>;

  private constructor(watchdog: Deno.ChildProcess) {
    this.#watchdog = watchdog;
    this.#stdin = watchdog.stdin.getWriter();
    this.#said = new Response(watchdog.stdout).text().catch(() => "");
  }

  /**
   * Starts the watchdog of process group `pgid` (a child spawned with
   * `detached: true` leads a group of its own pid). Returns `undefined`
   * when no shell can be run here (not Unix, or not permitted); the kit
   * then only signals its direct children.
   */
  static start(pgid: number): GroupGuard | undefined {
    if (Deno.build.os === "windows") return undefined;
    try {
      const watchdog = new Deno.Command("sh", {
        args: ["-c", WATCHDOG, "closewait-watchdog", String(pgid)],
        stdin: "piped",
        stdout: "piped",
        stderr: "null",
        // Its own session: a Ctrl-C for the kit's terminal group does not
        // end it before it has done its work.
        detached: true,
      }).spawn();
      return new GroupGuard(watchdog);
    } catch {
      return undefined;
    }
  }

  /**
   * Ends the group now (SIGTERM, then SIGKILL after a grace) and waits for
   * the watchdog; resolves to whether any process of the group was still
   * running. Safe to call more than once.
   */
  kill(): Promise<boolean> {
    this.#ending ??= (async () => {
      await this.#stdin.close().catch(() => {});
      await this.#watchdog.status;
      return (await this.#said).includes("killed");
    })();
    return this.#ending;
  }

  /** After the group's leader exited: ends what it left (see `kill`). */
  end(): Promise<boolean> {
    return this.kill();
  }
}
