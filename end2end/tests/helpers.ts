import { test as base, expect, Page } from "@playwright/test";
import * as path from "path";

/**
 * Playwright's `test`, with the browser console's errors echoed to the
 * test output, and failing any test during which a page crashed (a
 * hydration mismatch panics the wasm, which shows up here) or the
 * Content-Security-Policy refused something the page tried to load or run.
 */
export const test = base.extend<{ consoleErrors: void }>({
  consoleErrors: [
    async ({ page }, use) => {
      const crashes: string[] = [];
      page.on("pageerror", (e) => {
        crashes.push(`${page.url()}: ${e.message}`);
        console.log(`[pageerror] ${page.url()}: ${e.message}`);
      });
      page.on("response", async (r) => {
        if (r.url().includes("/api/") && r.status() >= 400) {
          console.log(`[server fn ${r.status()}] ${r.url()}: ${(await r.text().catch(() => "")).slice(0, 500)}`);
        }
      });
      page.on("console", (m) => {
        if (m.type() === "error") console.log(`[console.error] ${page.url()}: ${m.text().slice(0, 2000)}`);
        if (/Content Security Policy/i.test(m.text())) crashes.push(`${page.url()}: CSP: ${m.text().slice(0, 500)}`);
      });
      await use();
      expect(crashes, "no page crashed").toEqual([]);
    },
    { auto: true },
  ],
});

export const DEMO = {
  email: "owner@demo.laurel.test",
  password: "laurel-demo-owner",
  org: "org_demo_academy",
  sandbox: "org_demo_sandbox",
};

/** Resolves once the page's wasm has hydrated it (the body gets a marker). */
export async function hydrated(page: Page) {
  // The debug wasm is several MB; the first compile on a busy machine is slow.
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 30_000 });
}

/** Every page of an organisation, and the account page. */
export function orgPages(org: string): string[] {
  const base = `/organizations/${org}`;
  return [
    base,
    `${base}/credentials`,
    `${base}/credentials/bulk-issue`,
    `${base}/jobs`,
    `${base}/identity`,
    `${base}/badges`,
    `${base}/members`,
    `${base}/outbox`,
    `${base}/email`,
    `${base}/streams`,
    `${base}/activity`,
    `${base}/plan`,
    `${base}/settings`,
    "/account",
  ];
}

/** The demo's sample file, uploaded for the badge its history is about: the review shows every status. */
export const SAMPLE_FILE = path.join(__dirname, "..", "..", "examples", "recipients.csv");

export async function reviewSampleFile(page: Page, org: string) {
  await page.goto(`/organizations/${org}/credentials/bulk-issue`);
  await page.getByLabel("Badge").selectOption({ label: "Data Literacy · valid 365 days" });
  await page.getByLabel("Recipients CSV").setInputFiles(SAMPLE_FILE);
  await page.getByRole("button", { name: "Validate" }).click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/credentials/bulk-issue/upl_`));
}

export async function signIn(page: Page, email = DEMO.email, password = DEMO.password) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
