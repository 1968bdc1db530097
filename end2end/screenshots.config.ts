// `scripts/screenshots`: the README's pictures, taken from the seeded demo
// by the same browser and server the tests use (not part of the tests).
import base from "./playwright.config";
import { defineConfig } from "@playwright/test";

export default defineConfig({ ...base, testDir: "./screenshots", timeout: 120_000 });
