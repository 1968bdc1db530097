// The seeded demo, as a new user meets it: the sample file shows every way
// a row can be treated, the overview charts months of issuing, and the
// finished job has its failures and its e-mails waiting for an SMTP server.
import { expect } from "@playwright/test";
import { DEMO, hydrated, reviewSampleFile, signIn, test } from "./helpers";

test("the demo's sample file shows all seven review statuses on the Free org", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}$`));
  await page.goto(`/organizations/${DEMO.sandbox}/credentials/bulk-issue`);
  // The page offers the same file the test gives it.
  await expect(page.getByTestId("sample-file")).toHaveAttribute("href", /\/sample\.csv$/);
  await reviewSampleFile(page, DEMO.sandbox);

  const expected: Record<string, number> = {
    new: 3,
    renewal: 1,
    active_time_bound: 1,
    active_non_expiring: 1,
    revoked: 1,
    invalid: 2,
    over_quota: 3,
    duplicate: 1,
  };
  for (const [status, n] of Object.entries(expected)) {
    await expect(page.getByTestId(`count-${status}`), status).toHaveText(String(n));
  }
  // Problems first: the invalid and over-quota rows lead the table.
  const rows = page.locator("[data-testid=review] tbody tr");
  const leading = await rows.evaluateAll((trs) => trs.slice(0, 5).map((tr) => tr.getAttribute("data-status")));
  expect(leading.sort()).toEqual(["invalid", "invalid", "over_quota", "over_quota", "over_quota"]);
  // Each count filters the table to its rows.
  await page.getByTestId("count-renewal").click();
  await expect(page).toHaveURL(/status=renewal/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("dana.garcia@example.org");
});

test("the demo overview charts three months of issuing, and its finished job shows its failures and waiting e-mails", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}$`));
  const chart = page.getByTestId("issued-per-day");
  await expect(chart).toBeVisible();
  expect(Number(await chart.getAttribute("data-total"))).toBeGreaterThan(200);
  await expect(chart.locator("rect.chart-bar")).toHaveCount(90);

  await page.goto(`/organizations/${DEMO.org}/badges`);
  for (const name of ["Data Literacy", "Community Mentor"]) {
    const row = page.getByRole("row", { name: new RegExp(name) });
    await expect(row.locator("img.badge-thumb")).toHaveJSProperty("naturalWidth", 512);
  }

  await page.goto(`/organizations/${DEMO.org}/jobs`);
  await page.locator("a[href*='/jobs/job_']").first().click();
  await hydrated(page);
  await expect(page.locator("#job-status")).toHaveText("Completed");
  await expect(page.locator("#job-failed")).toHaveText("2");
  await expect(page.locator("#job-succeeded")).toHaveText("22");
  // Its 22 e-mails wait in the outbox: the demo has no SMTP server.
  await expect(page.locator("#job-emails-queued")).toHaveText("22");
});
