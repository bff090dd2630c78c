/**
 * The case API: `conformanceCase()` registers one test per case and layer,
 * hands the body a {@linkcode Scenario} that judges each step against the
 * expectations (the built-in tables, or the case's own), and records a
 * result the kit's reports are made from.
 *
 * @module
 */

export * from "./scenario.ts";
export * from "./result.ts";
export * from "./requirements.ts";
