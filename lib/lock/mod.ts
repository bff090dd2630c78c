/**
 * Cross-process locks made of files: test files run in separate processes
 * and two kit runs may overlap, while a few resources are shared by name
 * (the helper binary, the Unix-socket path).
 *
 * @module
 */

export * from "./lock_file.ts";
