import * as path from "path";

/** Where the test server listens and keeps its database. */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_DATA_DIR = process.env.E2E_DATA_DIR ?? path.join(__dirname, "..", ".data");
export const BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
export const LAUREL_BIN =
  process.env.LAUREL_BIN ??
  path.join(process.env.CARGO_TARGET_DIR ?? path.join(process.env.HOME ?? "", ".cache/laurel/target"), "debug/laurel");

/** The environment under which the `laurel` CLI acts on the test server's database. */
export const CLI_ENV = {
  ...process.env,
  LAUREL_DATA_DIR: E2E_DATA_DIR,
  LAUREL_DATABASE_URL: `sqlite://${E2E_DATA_DIR}/laurel.db`,
  LAUREL_ADDR: `127.0.0.1:${E2E_PORT}`,
  RUST_LOG: "error",
};
