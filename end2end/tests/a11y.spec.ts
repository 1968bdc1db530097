// Every page, judged by axe-core (WCAG 2.1 A and AA rules): no serious or
// critical violation, signed out and signed in, on the seeded demo.
import AxeBuilder from "@axe-core/playwright";
import { Page, expect } from "@playwright/test";
import { DEMO, hydrated, orgPages, reviewSampleFile, signIn, test } from "./helpers";

/** Every page's serious and critical violations, reported together at the end. */
const found: string[] = [];

async function noSeriousViolations(page: Page, where: string) {
  await hydrated(page);
  const started = Date.now();
  // Legacy mode runs axe in the page itself: Laurel has no frames, and the
  // default opens a blank page per run to merge frame results.
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .setLegacyMode(true)
    .analyze();
  console.log(`axe: ${where} in ${Date.now() - started} ms`);
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " " + (n.failureSummary ?? "")).join("\n    ")}`);
  if (serious.length > 0) found.push(`${where}:\n  ${serious.join("\n  ")}`);
}

async function visit(page: Page, path: string) {
  await page.goto(path);
  await noSeriousViolations(page, path);
}

test("axe finds no serious or critical violation on any page", async ({ page }) => {
  test.setTimeout(240_000);
  await visit(page, "/login");
  await signIn(page);
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}$`));
  const org = `/organizations/${DEMO.org}`;
  for (const p of orgPages(DEMO.org)) {
    await visit(page, p);
  }

  // A credential (the org's view and its public page), a badge's public
  // page, a finished job, and a review with every status.
  await page.goto(`${org}/credentials?type=badge`);
  const credential = (await page.locator("a[href*='/credentials/cred_']").first().getAttribute("href"))!;
  await visit(page, credential);
  const credentialId = credential.split("/").pop()!;
  await visit(page, `/credentials/${credentialId}`);
  const badge = (await page.getByTestId("badge-link").getAttribute("href"))!;
  await visit(page, new URL(badge).pathname);
  await page.goto(`${org}/jobs`);
  await visit(page, (await page.locator("a[href*='/jobs/job_']").first().getAttribute("href"))!);
  await reviewSampleFile(page, DEMO.sandbox);
  await noSeriousViolations(page, "the review");
  expect(found, found.join("\n")).toEqual([]);
});
