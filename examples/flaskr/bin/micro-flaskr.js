#!/usr/bin/env node
// pnpm links bins at install time, before the build: this committed shim
// exists then, and loads the built app when run.
import '../dist/main.js';
