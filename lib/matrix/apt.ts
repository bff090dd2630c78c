/**
 * Debian kernel packages through a private apt configuration: one apt root
 * per suite family in the matrix's cache folder (its own sources list,
 * package lists, archive cache and an empty dpkg status), selected with
 * `APT_CONFIG`, so the machine's own apt sources and state are never read
 * or changed and no root is needed. A kernel request (`PKG[/SUITE]`) is
 * resolved by following the kernel packages it depends on (a meta package
 * such as `linux-image-amd64` → `linux-image-6.1.0-57-amd64`; sid's
 * split `linux-binary-V`, `linux-modules-V` and `linux-base-V`).
 *
 * @module
 */

import { execOk, MatrixError } from "./process.ts";

/** A suite family: the sources one private apt root uses. */
export interface Suite {
  /** Name used in requests (`linux-image-amd64/sid`). */
  name: string;
  /** One-line-style sources (`URI SUITE COMPONENT`). */
  sources: string[];
}

const DEBIAN = "http://deb.debian.org/debian";
const SECURITY = "http://deb.debian.org/debian-security";

/** The suite families the matrix knows (Debian's mirrors, main only). */
export const SUITES: readonly Suite[] = [
  {
    name: "bookworm",
    sources: [
      `${DEBIAN} bookworm main`,
      `${DEBIAN} bookworm-updates main`,
      `${SECURITY} bookworm-security main`,
    ],
  },
  {
    name: "trixie",
    sources: [
      `${DEBIAN} trixie main`,
      `${DEBIAN} trixie-updates main`,
      `${SECURITY} trixie-security main`,
    ],
  },
  { name: "sid", sources: [`${DEBIAN} sid main`] },
];

/** What a user asked for: a package in a suite family. */
export interface KernelRequest {
  /** Package name, e.g. `linux-image-amd64`. */
  package: string;
  /** Suite family name. */
  suite: string;
}

/** The default kernels: 6.1 and 6.12 generic (bookworm), the newest (sid). */
export const DEFAULT_KERNELS: readonly KernelRequest[] = [
  { package: "linux-image-amd64", suite: "bookworm" },
  { package: "linux-image-6.12-amd64", suite: "bookworm" },
  { package: "linux-image-amd64", suite: "sid" },
];

/** The suite a request without `/SUITE` uses. */
export const DEFAULT_SUITE = "bookworm";

/**
 * Reads `PKG[/SUITE]`; throws {@linkcode MatrixError} for a name that is
 * not a Debian package name or an unknown suite.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseKernelRequest } from "./apt.ts";
 * assertEquals(parseKernelRequest("linux-image-cloud-amd64/sid"), {
 *   package: "linux-image-cloud-amd64",
 *   suite: "sid",
 * });
 * assertEquals(parseKernelRequest("linux-image-rt-amd64").suite, "bookworm");
 * ```
 */
export function parseKernelRequest(text: string): KernelRequest {
  const [pkg, suite = DEFAULT_SUITE, ...rest] = text.split("/");
  if (rest.length > 0 || !/^[a-z0-9][a-z0-9+.-]+$/.test(pkg)) {
    throw new MatrixError(
      `--kernel ${
        JSON.stringify(text)
      }: expected PACKAGE[/SUITE], e.g. linux-image-cloud-amd64/sid`,
    );
  }
  if (!SUITES.some((s) => s.name === suite)) {
    throw new MatrixError(
      `--kernel ${text}: unknown suite ${JSON.stringify(suite)}; suites are ${
        SUITES.map((s) => s.name).join(", ")
      }`,
    );
  }
  return { package: pkg, suite };
}

/** `PKG/SUITE`, as a request is shown. */
export function requestLabel(r: KernelRequest): string {
  return `${r.package}/${r.suite}`;
}

/** Where a private apt root keeps its files (all under `root`). */
export function aptConfig(root: string, suite: Suite, user: string): {
  files: Record<string, string>;
  dirs: string[];
} {
  const keyring = "/usr/share/keyrings/debian-archive-keyring.gpg";
  const conf = [
    `Dir::Etc "${root}/etc/";`,
    `Dir::Etc::main "apt.conf";`,
    `Dir::Etc::parts "apt.conf.d";`,
    `Dir::Etc::sourcelist "sources.list";`,
    `Dir::Etc::sourceparts "sources.list.d";`,
    `Dir::Etc::preferences "preferences";`,
    `Dir::Etc::preferencesparts "preferences.d";`,
    `Dir::Etc::trusted "trusted.gpg";`,
    `Dir::Etc::trustedparts "trusted.gpg.d";`,
    `Dir::State "${root}/state/";`,
    `Dir::State::status "${root}/state/status";`,
    `Dir::Cache "${root}/cache/";`,
    `Dir::Log "${root}/log/";`,
    `APT::Architecture "amd64";`,
    `APT::Architectures { "amd64"; };`,
    `Acquire::Languages "none";`,
    // The packages are still checked against the archive's signature; a
    // snapshot mirror or a machine whose clock runs ahead would otherwise
    // reject sid's Release file (valid for a week only).
    `Acquire::Check-Valid-Until "false";`,
    `APT::Sandbox::User "${user}";`,
    "",
  ].join("\n");
  const sources =
    suite.sources.map((s) => `deb [signed-by=${keyring}] ${s}`).join("\n") +
    "\n";
  return {
    files: {
      "apt.conf": conf,
      "etc/sources.list": sources,
      "state/status": "",
    },
    dirs: [
      "etc/apt.conf.d",
      "etc/sources.list.d",
      "etc/preferences.d",
      "etc/trusted.gpg.d",
      "state/lists/partial",
      "cache/archives/partial",
      "log",
    ],
  };
}

/** One package stanza of `apt-cache show`. */
export interface PackageInfo {
  /** Package name. */
  name: string;
  /** Version. */
  version: string;
  /** Download size in bytes. */
  size: number;
  /** The `Depends` field as alternatives groups (names only). */
  depends: string[][];
}

/**
 * Parses `apt-cache show --no-all-versions` output into packages.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseAptShow } from "./apt.ts";
 * const [p] = parseAptShow("Package: a\nVersion: 1\nDepends: b (>= 2), c | d\nSize: 10\n");
 * assertEquals(p, { name: "a", version: "1", size: 10, depends: [["b"], ["c", "d"]] });
 * ```
 */
export function parseAptShow(text: string): PackageInfo[] {
  const out: PackageInfo[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last = "";
    for (const line of block.split("\n")) {
      if (/^\s/.test(line) && last) {
        fields.set(last, fields.get(last) + "\n" + line.trim());
        continue;
      }
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (m) {
        last = m[1];
        fields.set(last, m[2]);
      }
    }
    const name = fields.get("Package");
    const version = fields.get("Version");
    if (!name || !version) continue;
    const depends = (fields.get("Depends") ?? "").split(",")
      .map((group) =>
        group.split("|").map((alt) => alt.trim().split(/[\s(:]/)[0])
          .filter((n) => n)
      ).filter((g) => g.length > 0);
    out.push({
      name,
      version,
      size: Number(fields.get("Size") ?? 0),
      depends,
    });
  }
  return out;
}

/**
 * Whether a dependency is part of the kernel itself (followed when
 * resolving): `linux-image-*`, `linux-binary-*`, `linux-modules-*` and the
 * versioned `linux-base-V` (sid's config and modules.builtin); not the
 * `linux-base` tool package, initramfs tools or kmod.
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { isKernelPart } from "./apt.ts";
 * assert(isKernelPart("linux-modules-7.2.13+deb14-amd64"));
 * assert(isKernelPart("linux-base-7.2.13+deb14-amd64"));
 * assert(!isKernelPart("linux-base"));
 * assert(!isKernelPart("linux-base-amd64"));
 * assert(!isKernelPart("initramfs-tools"));
 * ```
 */
export function isKernelPart(name: string): boolean {
  return /^linux-(image|binary|modules)-/.test(name) ||
    /^linux-base-\d/.test(name);
}

/**
 * Resolves a package to every kernel package it pulls in, the named one
 * first. `show` answers one package (or `undefined` when apt has none).
 * Throws {@linkcode MatrixError} when the named package does not exist.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseAptShow, resolveKernelPackages } from "./apt.ts";
 * const all = parseAptShow(
 *   "Package: linux-image-amd64\nVersion: 1\nDepends: linux-image-6.1.0-9-amd64 (= 1)\n\n" +
 *     "Package: linux-image-6.1.0-9-amd64\nVersion: 1\nDepends: kmod, linux-base (>= 4.3~)\n",
 * );
 * const show = (n: string) => Promise.resolve(all.find((p) => p.name === n));
 * assertEquals(
 *   (await resolveKernelPackages("linux-image-amd64", show)).map((p) => p.name),
 *   ["linux-image-amd64", "linux-image-6.1.0-9-amd64"],
 * );
 * ```
 */
export async function resolveKernelPackages(
  name: string,
  show: (name: string) => Promise<PackageInfo | undefined>,
): Promise<PackageInfo[]> {
  const seen = new Map<string, PackageInfo>();
  const visit = async (n: string, required: boolean): Promise<void> => {
    if (seen.has(n)) return;
    const info = await show(n);
    if (!info) {
      if (required) throw new MatrixError(`no package ${n}`);
      return;
    }
    seen.set(n, info);
    for (const group of info.depends) {
      const pick = group.find(isKernelPart);
      if (pick) await visit(pick, true);
    }
  };
  await visit(name, true);
  return [...seen.values()];
}

/** A private apt root for one suite family. */
export class PrivateApt {
  readonly #root: string;
  readonly #suite: Suite;
  readonly #signal?: AbortSignal;

  /** An apt root at `root` (created by {@linkcode PrivateApt.update}). */
  constructor(root: string, suite: Suite, signal?: AbortSignal) {
    this.#root = root;
    this.#suite = suite;
    this.#signal = signal;
  }

  get #env(): Record<string, string> {
    return { APT_CONFIG: `${this.#root}/apt.conf`, LC_ALL: "C" };
  }

  /** Writes the configuration and downloads the package lists. */
  async update(user: string): Promise<void> {
    const { files, dirs } = aptConfig(this.#root, this.#suite, user);
    for (const d of dirs) {
      await Deno.mkdir(`${this.#root}/${d}`, { recursive: true });
    }
    for (const [f, text] of Object.entries(files)) {
      await Deno.writeTextFile(`${this.#root}/${f}`, text);
    }
    await execOk("apt-get", ["-q", "update"], {
      env: this.#env,
      timeoutMs: 180_000,
      signal: this.#signal,
    });
  }

  /** One package's candidate version, or `undefined` if apt has none. */
  async show(name: string): Promise<PackageInfo | undefined> {
    const r = await new Deno.Command("apt-cache", {
      args: ["show", "--no-all-versions", name],
      env: this.#env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(60_000),
    }).output();
    if (!r.success) return undefined;
    return parseAptShow(new TextDecoder().decode(r.stdout))
      .find((p) => p.name === name);
  }

  /** Downloads exact versions into `dir`. */
  async download(packages: PackageInfo[], dir: string): Promise<void> {
    await execOk(
      "apt-get",
      ["-q", "download", ...packages.map((p) => `${p.name}=${p.version}`)],
      { cwd: dir, env: this.#env, timeoutMs: 600_000, signal: this.#signal },
    );
  }

  /**
   * Removes the package lists and apt's binary caches (over 100 MB for
   * bookworm and sid; fetched again by the next fetch).
   */
  async dropLists(): Promise<void> {
    for (const d of ["state/lists", "cache"]) {
      await Deno.remove(`${this.#root}/${d}`, { recursive: true })
        .catch(() => {});
    }
  }
}
