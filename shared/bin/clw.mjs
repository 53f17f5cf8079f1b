#!/usr/bin/env node
// The `clw` command: runs the TypeScript entry through tsx, from any working directory.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
