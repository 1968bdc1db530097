import { execFileSync } from "child_process";
import { APIRequestContext, Page, expect } from "@playwright/test";
import { CLI_ENV, LAUREL_BIN } from "./env";
import { hydrated } from "./helpers";

/** Runs the `laurel` CLI against the test server's database. */
export function laurel(...args: string[]): string {
  return execFileSync(LAUREL_BIN, args, { env: CLI_ENV, encoding: "utf8" }).trim();
}

export function apiKeyFor(org: string): string {
  return JSON.parse(
    laurel("keys", "issue", "e2e", "--org", org, "--scopes", "credentials:read,credentials:write", "--format", "json"),
  ).secret;
}

/** A Professional org (issues at most 100 credentials a second) with an owner and a badge. */
export async function orgWithBadge(
  request: APIRequestContext,
  name: string,
  owner: string,
): Promise<{ org: string; badge: string; key: string }> {
  const org = laurel("admin", "create-org", "--name", name, "--plan", "professional");
  laurel("admin", "approve-org", org);
  laurel("admin", "create-user", "--org", org, "--email", owner, "--password", "jobs-owner-password", "--role", "owner");
  const key = apiKeyFor(org);
  const res = await request.post("/v1/badges", {
    headers: { "X-Api-Key": key },
    data: { name: "First Aid", description: "Knows first aid", criteria_narrative: "Passed the course", validity_days: 365 },
  });
  expect(res.status()).toBe(201);
  return { org, badge: (await res.json()).id, key };
}

export function people(n: number, prefix: string): string {
  const rows = ["name,email"];
  for (let i = 0; i < n; i++) rows.push(`Person ${i},${prefix}${i}@example.com`);
  return rows.join("\n");
}

/** Picks `badge` and the file on the bulk page and presses Validate. */
export async function chooseFile(page: Page, org: string, badge: string, name: string, content: Buffer | string) {
  await page.goto(`/organizations/${org}/credentials/bulk-issue`);
  await page.getByLabel("Badge").selectOption(badge);
  const buffer = typeof content === "string" ? Buffer.from(content) : content;
  await page.getByLabel("Recipients CSV").setInputFiles({ name, mimeType: "text/csv", buffer });
  await page.getByRole("button", { name: "Validate" }).click();
}

/** Uploads the CSV, submits it from the hydrated review page, and lands on the job page. */
export async function submitCsv(page: Page, org: string, badge: string, csv: string): Promise<string> {
  await chooseFile(page, org, badge, "people.csv", csv);
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/credentials/bulk-issue/upl_`));
  await hydrated(page);
  await page.getByTestId("submit").click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/jobs/job_\\w+$`), { timeout: 15_000 });
  return page.url().split("/").pop()!;
}

export async function figure(page: Page, id: string): Promise<number> {
  return Number((await page.locator(`#${id}`).innerText()).replace(/,/g, ""));
}
