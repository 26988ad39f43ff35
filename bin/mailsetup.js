#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`; `npm install` builds it through `prepare`).
// Development and tests run the sources through tsx instead (`npm run mailsetup`).
process.env.MAILSETUP_CLI_ENTRY = '1';
await import('../dist/src/cli.js');
