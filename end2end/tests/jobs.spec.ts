import { expect } from "@playwright/test";
import { chooseFile, figure, orgWithBadge, people, submitCsv } from "./fixtures";
import { hydrated, signIn, test } from "./helpers";

test("the whole flow: upload, review, submit, live progress to completed, find a credential, public page valid, revoke, revoked", async ({
  page,
  request,
}) => {
  const { org, badge } = await orgWithBadge(request, "Live Job Co", "live-owner@example.com");
  await signIn(page, "live-owner@example.com", "jobs-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));

  // Pick the badge, upload, review, submit.
  await page.goto(`/organizations/${org}/credentials/bulk-issue`);
  await page.getByLabel("Badge").selectOption(badge);
  const csv = people(400, "live") + "\nBroken Row,not-an-address";
  await page.getByLabel("Recipients CSV").setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Validate" }).click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/credentials/bulk-issue/upl_`));
  await expect(page.getByTestId("count-new")).toHaveText("400");
  await expect(page.getByTestId("count-invalid")).toHaveText("1");
  await expect(page.getByTestId("total-issuable")).toHaveText("400");
  // The one row to fix (the file's last) leads the table.
  await expect(page.getByTestId("problems-first")).toBeVisible();
  await expect(page.locator("table[data-testid=review] tbody tr").first()).toHaveAttribute("data-status", "invalid");
  await hydrated(page);
  await page.getByTestId("submit").click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/jobs/job_\\w+$`), { timeout: 15_000 });
  const job = page.url().split("/").pop()!;
  // Marks this document: a reload would lose it.
  await page.evaluate(() => ((window as any).__sameDocument = true));

  // The counts rise live (seen part-way: 400 rows at 100/s take about 4 s) to completed.
  await expect(page.locator("#job-total")).toHaveText("401");
  await expect
    .poll(async () => {
      const n = await figure(page, "job-succeeded");
      return n > 0 && n < 400;
    }, { timeout: 15_000, intervals: [100] })
    .toBe(true);
  await expect(page.locator("#job-failures")).toContainText("not-an-address");
  await expect(page.locator("#job-live")).toHaveAttribute("data-job-status", "completed", { timeout: 30_000 });
  await expect(page.locator("#job-succeeded")).toHaveText("400");
  await expect(page.locator("#job-failed")).toHaveText("1");
  await expect(page.locator("#job-remaining")).toHaveText("0");
  await expect(page.locator("#job-rate")).toContainText("credentials/s");
  expect(await page.evaluate(() => (window as any).__sameDocument), "no reload happened").toBe(true);

  // Once finished, the rows table is final: issued rows link their credential.
  await expect(page.locator("a.chip[data-state=succeeded] strong")).toHaveText("400");
  await expect(page.getByTestId("credential-link").first()).toBeVisible();
  await expect(page.locator("#job-failed-csv")).toHaveAttribute("href", `/organizations/${org}/jobs/${job}/failed.csv`);

  // The history lists it.
  await page.goto(`/organizations/${org}/jobs`);
  const row = page.locator(`tr[data-job=${job}]`);
  await expect(row).toHaveAttribute("data-job-status", "completed");
  await expect(row).toContainText("400 issued · 1 failed of 401");
  await hydrated(page);
  await row.getByRole("link", { name: "First Aid" }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${job}$`));
  await expect(page.locator("#job-succeeded")).toHaveText("400");

  // Find one of its credentials in the list.
  await hydrated(page);
  await page.locator("#job-credentials").click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/credentials\\?job=${job}`));
  await page.getByLabel("Recipient or subject").fill("live7@example.com");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/q=live7/);
  await page.getByRole("link", { name: "Person 7", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/credentials/cred_\\w+$`));
  const credential = page.url().split("/").pop()!;
  await expect(page.getByTestId("status")).toHaveText("Active");

  // Its public page, reachable by link without the dashboard, says valid.
  const publicPage = await page.context().newPage();
  await publicPage.goto(`/credentials/${credential}`);
  await expect(publicPage.getByTestId("verdict")).toContainText("Valid");
  await expect(publicPage.getByTestId("recipient")).toHaveText("Person 7");

  // Revoke it, with a reason, after saying yes; the public page then says revoked.
  await hydrated(page);
  await page.getByTestId("revoke").click();
  await page.getByLabel("Issued in error").check();
  await page.getByTestId("confirm-revoke").click();
  await expect(page.getByTestId("status")).toHaveText("Revoked");
  await publicPage.reload();
  await expect(publicPage.getByTestId("verdict")).toContainText("Revoked");
  await publicPage.close();
});

test("a job page reloaded mid-job shows the counts so far and Cancel stops the job", async ({ page, request }) => {
  const { org, badge } = await orgWithBadge(request, "Cancel Job Co", "cancel-owner@example.com");
  await signIn(page, "cancel-owner@example.com", "jobs-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));
  const job = await submitCsv(page, org, badge, people(3000, "cancel"));

  await expect.poll(() => figure(page, "job-succeeded"), { timeout: 15_000 }).toBeGreaterThan(0);
  await page.reload();
  // Rendered by the server with the counts as they stand, then live again.
  expect(await figure(page, "job-succeeded")).toBeGreaterThan(0);
  await expect(page.locator("#job-live")).toHaveAttribute("data-job-status", "processing");
  await hydrated(page);
  const before = await figure(page, "job-succeeded");
  await expect.poll(() => figure(page, "job-succeeded"), { timeout: 10_000 }).toBeGreaterThan(before);

  await page.getByTestId("cancel-job").click();
  await expect(page.getByTestId("confirm")).toContainText("Cancel this job?");
  await expect(page.getByTestId("cancel-summary")).toContainText("are not issued yet; they will not be");
  await page.getByTestId("confirm-cancel-job").click();
  await expect(page.getByTestId("notice")).toContainText("Job cancelled");
  await expect(page.locator("#job-live")).toHaveAttribute("data-job-status", "cancelled");
  await expect(page.getByTestId("cancel-job")).toHaveCount(0);
  const issued = await figure(page, "job-succeeded");
  expect(issued).toBeGreaterThan(0);
  expect(await figure(page, "job-cancelled")).toBe(3000 - issued);
  // What the server says after the cancel is what the live page showed:
  // nothing was issued after it (no row is left for a worker to take).
  await page.reload();
  await expect(page.locator("#job-live")).toHaveAttribute("data-job-status", "cancelled");
  expect(await figure(page, "job-succeeded")).toBe(issued);
  expect(await figure(page, "job-remaining")).toBe(0);
  await expect(page.locator(`a.chip[data-state=cancelled]`)).toBeVisible();
  expect(job).toMatch(/^job_/);
});

test("undoing a finished job asks first, says how many, and revokes every credential it issued with the reason given", async ({ page, request }) => {
  const { org, badge, key } = await orgWithBadge(request, "Undo Co", "undo-owner@example.com");
  await signIn(page, "undo-owner@example.com", "jobs-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));
  const job = await submitCsv(page, org, badge, people(12, "undo"));
  await expect(page.locator("#job-live")).toHaveAttribute("data-job-status", "completed", { timeout: 30_000 });

  // The finished job offers the undo (a reload shows the button the
  // finished state allows); nothing happens until it is confirmed.
  await page.goto(`/organizations/${org}/jobs/${job}`);
  await hydrated(page);
  await page.getByTestId("undo-job").click();
  await expect(page.getByTestId("undo-summary")).toContainText("12 credentials this job issued are still valid");
  await page.getByRole("link", { name: "Keep them" }).click();
  await expect(page.getByTestId("undo-summary")).toHaveCount(0);
  const listed = await (await request.get(`/v1/bulk-issue/${job}`, { headers: { "X-Api-Key": key } })).json();
  expect(listed.undone_by_job_id).toBeNull();

  await page.getByTestId("undo-job").click();
  await page.getByLabel(/Reason/).fill("Sent to the wrong cohort");
  await page.getByTestId("notify-recipients").check();
  await page.getByTestId("confirm-undo-job").click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/jobs/job_\\w+\\?notice=job_undo_started`), { timeout: 15_000 });
  await expect(page.getByTestId("undo-of")).toContainText(`job ${job}`);
  await expect(page.getByTestId("undo-of")).toContainText("Sent to the wrong cohort");
  await expect(page.locator("#job-live")).toHaveAttribute("data-job-status", "completed", { timeout: 30_000 });
  await expect(page.locator("#job-succeeded")).toHaveText("12");
  // Asked to tell the recipients: the undo's page counts its notices.
  await expect(page.getByTestId("job-emails")).toBeVisible();
  await expect(page.locator("#job-emails-progress")).toContainText("of 12");

  const done = await (await request.get(`/v1/bulk-issue/${job}`, { headers: { "X-Api-Key": key } })).json();
  for (const id of done.credential_ids) {
    const c = await (await request.get(`/v1/credentials/${id}`, { headers: { "X-Api-Key": key } })).json();
    expect(c.status).toBe("revoked");
    expect(c.revocation_reason).toBe("Sent to the wrong cohort");
  }
  // The undone job says so, and offers no second undo.
  await page.goto(`/organizations/${org}/jobs/${job}`);
  await expect(page.getByTestId("undone-by")).toBeVisible();
  await expect(page.getByTestId("undo-job")).toHaveCount(0);
  // The box ticked: each recipient has a revocation notice in the outbox.
  await page.goto(`/organizations/${org}/outbox`);
  await expect(page.getByTestId("revocation-notice")).toHaveCount(12);
  await expect(page.getByTestId("revocation-notice").first()).toHaveText("Revoked: First Aid");
});

test("a job scheduled in the organisation's time zone waits, says when, and can be moved or cancelled", async ({ page, request }) => {
  const { org, badge, key } = await orgWithBadge(request, "Later Co", "later-owner@example.com");
  await signIn(page, "later-owner@example.com", "jobs-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));
  await page.goto(`/organizations/${org}/settings`);
  await hydrated(page);
  await page.getByTestId("time-zone").fill("Mars/Olympus");
  await page.getByRole("button", { name: "Save time zone" }).click();
  await expect(page.locator("#time-zone")).toContainText("is not a time zone");
  await page.getByTestId("time-zone").fill("Europe/Berlin");
  await page.getByRole("button", { name: "Save time zone" }).click();
  await expect(page.locator("#time-zone")).not.toContainText("is not a time zone");

  await page.goto(`/organizations/${org}/credentials/bulk-issue`);
  await page.getByLabel("Badge").selectOption(badge);
  await page.getByLabel("Recipients CSV").setInputFiles({ name: "later.csv", mimeType: "text/csv", buffer: Buffer.from(people(3, "later")) });
  await page.getByRole("button", { name: "Validate" }).click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/credentials/bulk-issue/upl_`));
  await hydrated(page);
  await expect(page.locator("#start-help")).toContainText("Europe/Berlin");
  await page.getByTestId("start-at").fill("2027-03-01T09:00");
  await page.getByTestId("submit").click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/jobs/job_\\w+$`), { timeout: 15_000 });
  const job = page.url().split("/").pop()!;
  await expect(page.getByTestId("scheduled")).toContainText("Scheduled for 2027-03-01 09:00 (Europe/Berlin)");
  const api = async () => (await request.get(`/v1/bulk-issue/${job}`, { headers: { "X-Api-Key": key } })).json();
  expect((await api()).scheduled_for).toBe("2027-03-01T08:00:00Z");

  await page.getByTestId("reschedule-at").fill("2027-04-01T10:30");
  await page.getByTestId("reschedule-job").click();
  await expect(page.getByTestId("scheduled")).toContainText("Scheduled for 2027-04-01 10:30 (Europe/Berlin)");
  expect((await api()).scheduled_for).toBe("2027-04-01T08:30:00Z");
  await page.getByTestId("cancel-job").click();
  await page.getByTestId("confirm-cancel-job").click();
  await expect(page.locator("#job-live")).toHaveAttribute("data-job-status", "cancelled");
  expect((await api()).succeeded).toBe(0);
});

test("a pilot of 3 issues those rows, pauses with the choice to release, and releasing issues the rest", async ({ page, request }) => {
  const { org, badge, key } = await orgWithBadge(request, "Pilot Co", "pilot-owner@example.com");
  await signIn(page, "pilot-owner@example.com", "jobs-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));
  await chooseFile(page, org, badge, "cohort.csv", people(10, "pilot"));
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/credentials/bulk-issue/upl_`));
  await hydrated(page);
  await page.getByTestId("pilot").fill("3");
  await page.getByTestId("submit").click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/jobs/job_`), { timeout: 15_000 });
  const job = page.url().split("/").pop()!.split("?")[0];

  await expect(page.getByTestId("pilot-paused")).toContainText("Paused after a pilot of 3.", { timeout: 30_000 });
  await expect(page.locator("#job-live")).toHaveAttribute("data-job-status", "paused");
  const paused = await (await request.get(`/v1/bulk-issue/${job}`, { headers: { "X-Api-Key": key } })).json();
  expect([paused.status, paused.succeeded, paused.pilot_size]).toEqual(["paused", 3, 3]);

  await page.getByTestId("release-job").click();
  await expect(page.locator("#job-live")).toHaveAttribute("data-job-status", "completed", { timeout: 30_000 });
  const done = await (await request.get(`/v1/bulk-issue/${job}`, { headers: { "X-Api-Key": key } })).json();
  expect([done.status, done.succeeded]).toEqual(["completed", 10]);
});
