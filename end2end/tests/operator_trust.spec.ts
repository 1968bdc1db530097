import * as fs from "fs";
import * as path from "path";
import { expect } from "@playwright/test";
import { apiKeyFor, chooseFile, figure, laurel, orgWithBadge, people, submitCsv } from "./fixtures";
import { DEMO, hydrated, signIn, test } from "./helpers";

const FIXTURES = path.join(__dirname, "..", "..", "issuance", "src", "bulk", "csv_file", "fixtures");

test("revoking asks first, takes a reason, and cancels the recipient's e-mail still in the queue", async ({ page, request }) => {
  const { org, badge } = await orgWithBadge(request, "Revoke Mail Co", "revoke-owner@example.com");
  await signIn(page, "revoke-owner@example.com", "jobs-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));
  // No SMTP here, so the award e-mails wait in the outbox.
  const job = await submitCsv(page, org, badge, people(3, "revoke"));
  await expect(page.locator("#job-live")).toHaveAttribute("data-job-status", "completed", { timeout: 15_000 });
  await page.goto(`/organizations/${org}/credentials?job=${job}`);
  await page.getByRole("link", { name: "Person 1" }).click();
  await expect(page.getByTestId("email-status")).toHaveText("Queued");
  await hydrated(page);

  await page.getByTestId("revoke").click();
  const dialog = page.getByTestId("confirm");
  await expect(dialog).toContainText("Revoke this credential?");
  await expect(dialog).toContainText("This cannot be undone");
  await expect(page.getByTestId("revoke-cancels-email")).toBeVisible();
  // Cancel leaves everything as it was.
  await page.getByTestId("confirm-cancel").click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("status")).toHaveText("Active");

  await page.getByTestId("revoke").click();
  await page.getByTestId("confirm-revoke").click();
  // A reason is required: the browser holds the form until one is chosen.
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId("status")).toHaveText("Active");
  await page.getByLabel("Issued in error").check();
  await page.getByTestId("confirm-revoke").click();

  await expect(page.getByTestId("status")).toHaveText("Revoked");
  await expect(page.getByTestId("notice")).toContainText("Credential revoked");
  await expect(page.getByTestId("revocation-reason")).toContainText("Issued in error");
  await expect(page.getByTestId("email-status")).toHaveText("Cancelled");

  await page.goto(`/organizations/${org}/outbox`);
  await expect(page.getByTestId("count-cancelled")).toHaveText("1");
  await expect(page.getByTestId("count-queued")).toHaveText("2");
});

test("in-file duplicates are their own neutral status, and the invalid-rows download holds none of them", async ({ page, request }) => {
  const { org, badge } = await orgWithBadge(request, "Duplicates Co", "dup-owner@example.com");
  await signIn(page, "dup-owner@example.com", "jobs-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));
  const csv = ["name,email", "Ada,ada@example.com", "Bob,bob@example.com", "Ada again,ADA@example.com", "Broken,not-an-address"].join("\n");
  await chooseFile(page, org, badge, "team.csv", csv);
  await expect(page).toHaveURL(/bulk-issue\/upl_/);

  await expect(page.getByTestId("count-duplicate")).toHaveText("1");
  await expect(page.getByTestId("count-invalid")).toHaveText("1");
  await expect(page.getByTestId("total-issuable")).toHaveText("2");
  const duplicate = page.getByTestId("review").locator("tr[data-status=duplicate]");
  await expect(duplicate).toContainText("Duplicate in file: issued once, with row 1");
  await expect(duplicate.locator("td").first()).toHaveText("3");

  const href = await page.getByRole("link", { name: /Download the 1 invalid row/ }).getAttribute("href");
  const download = await page.request.get(href!);
  expect(download.status()).toBe(200);
  const lines = (await download.text()).trim().split(/\r?\n/);
  expect(lines[0]).toBe("name,email,row,reason");
  expect(lines.slice(1)).toHaveLength(1);
  expect(lines[1]).toContain("not-an-address");
  expect(lines[1]).toContain(",4,");
  expect(lines.join("\n")).not.toContain("ADA@example.com");

  await hydrated(page);
  await page.getByTestId("submit").click();
  await expect(page).toHaveURL(/\/jobs\/job_/, { timeout: 15_000 });
  await expect(page.locator("#job-live")).toHaveAttribute("data-job-status", "completed", { timeout: 15_000 });
  expect(await figure(page, "job-succeeded")).toBe(2);
  expect(await figure(page, "job-skipped")).toBe(1);
  expect(await figure(page, "job-failed")).toBe(1);
  // The same row number as on the review.
  await expect(page.locator(".job-failures li").first()).toContainText("Row 4");
});

test("a semicolon-separated file is read as such and says so", async ({ page, request }) => {
  const { org, badge } = await orgWithBadge(request, "Semicolon GmbH", "semi-owner@example.com");
  await signIn(page, "semi-owner@example.com", "jobs-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));
  await chooseFile(page, org, badge, "teilnehmer.csv", 'Name;Email;Ort\n"Müller, Jana";jana@example.com;Köln\nOle;ole@example.com;Kiel\n');
  await expect(page).toHaveURL(/bulk-issue\/upl_/);
  await expect(page.getByTestId("count-new")).toHaveText("2");
  await expect(page.getByText("Read as semicolon-separated")).toBeVisible();
  await expect(page.getByTestId("review")).toContainText("Müller, Jana");
});

test("an Excel workbook named .csv is diagnosed on the upload page, with the file name and badge kept", async ({ page, request }) => {
  const { org, badge } = await orgWithBadge(request, "Workbook Co", "xlsx-owner@example.com");
  await signIn(page, "xlsx-owner@example.com", "jobs-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));
  await chooseFile(page, org, badge, "people.csv", fs.readFileSync(path.join(FIXTURES, "people.xlsx")));

  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/credentials/bulk-issue\\?upload=upl_`));
  const problem = page.getByTestId("file-problem");
  await expect(problem).toHaveAttribute("data-code", "spreadsheet");
  await expect(problem).toContainText("Excel workbook");
  await expect(problem).toContainText("CSV UTF-8");
  await expect(page.getByTestId("file-problem-about")).toHaveText("people.csv · for “First Aid”");
  await expect(page.getByLabel("Badge")).toHaveValue(badge);
  await expect(page).toHaveTitle("Bulk issue · Laurel");
});

test("a file headed Full Name, Email Address is mapped once, issued, and read at once the next time", async ({ page, request }) => {
  const { org, badge } = await orgWithBadge(request, "Mapping Co", "map-owner@example.com");
  await signIn(page, "map-owner@example.com", "jobs-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));
  const csv = "Full Name,Email Address,Team\nGrace Hopper,grace@example.com,Navy\nAlan Turing,alan@example.com,Bletchley\n";
  await chooseFile(page, org, badge, "export.csv", csv);
  await expect(page).toHaveURL(/bulk-issue\?upload=upl_/);
  await expect(page.getByTestId("file-problem")).toHaveAttribute("data-code", "needs_mapping");
  // The guesses are already chosen.
  await expect(page.getByLabel("Which column is the name?")).toHaveValue("Full Name");
  await expect(page.getByLabel("Which column is the e-mail?")).toHaveValue("Email Address");
  await hydrated(page);
  await page.getByTestId("use-columns").click();

  await expect(page).toHaveURL(/bulk-issue\/upl_\w+\?notice=columns_remembered/);
  await expect(page.getByTestId("count-new")).toHaveText("2");
  await expect(page.getByText("Columns used: name ← 'Full Name'")).toBeVisible();
  await page.getByTestId("submit").click();
  await expect(page.locator("#job-live")).toHaveAttribute("data-job-status", "completed", { timeout: 15_000 });
  expect(await figure(page, "job-succeeded")).toBe(2);

  // Next month's export, same headers: straight to the review.
  await chooseFile(page, org, badge, "export-2.csv", "Full Name,Email Address\nKatherine Johnson,katherine@example.com\n");
  await expect(page).toHaveURL(/bulk-issue\/upl_\w+$/);
  await expect(page.getByTestId("count-new")).toHaveText("1");
});

for (const javaScriptEnabled of [true, false]) {
  test(`the badge form shows both errors beside their fields and keeps what was typed (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async ({
    browser,
  }) => {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    await signIn(page);
    await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}$`));
    await page.goto(`/organizations/${DEMO.org}/badges`);
    if (javaScriptEnabled) await hydrated(page);
    const form = page.locator("#badge-form");
    await form.getByLabel("Name").fill(`Kite Flying ${javaScriptEnabled ? "JS" : "plain"}`);
    await form.getByLabel("Description").fill("Flies a kite in a gale");
    await form.getByLabel("Image URL").fill("ftp://example.com/kite.png");
    await form.getByLabel("Validity").fill("0");
    await form.getByRole("button", { name: "Create badge" }).click();

    const image = form.getByLabel("Image URL");
    const validity = form.getByLabel("Validity");
    await expect(image).toHaveAttribute("aria-invalid", "true");
    await expect(validity).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator(`#${await image.getAttribute("aria-describedby")}`)).toHaveText(
      /^Image URL must start with https:\/\//,
    );
    await expect(page.locator(`#${await validity.getAttribute("aria-describedby")}`)).toHaveText(
      /^Validity must be from 1 to 36500 days/,
    );
    await expect(form.getByLabel("Name")).not.toHaveAttribute("aria-invalid", "true");
    // What was typed is still there, and the address has nothing internal in it.
    await expect(form.getByLabel("Name")).toHaveValue(`Kite Flying ${javaScriptEnabled ? "JS" : "plain"}`);
    await expect(form.getByLabel("Description")).toHaveValue("Flies a kite in a gale");
    await expect(image).toHaveValue("ftp://example.com/kite.png");
    await expect(validity).toHaveValue("0");
    expect(page.url()).not.toContain("__err");
    expect(page.url()).toMatch(new RegExp(`/organizations/${DEMO.org}/badges$`));

    await image.fill("https://example.com/kite.png");
    await validity.fill("365");
    await form.getByRole("button", { name: "Create badge" }).click();
    await expect(page.getByTestId("notice")).toContainText("Badge created");
    await expect(page.getByTestId("badges")).toContainText(`Kite Flying ${javaScriptEnabled ? "JS" : "plain"}`);
    await expect(form.getByLabel("Name")).toHaveValue("");
    await expect(form.getByLabel("Image URL")).not.toHaveAttribute("aria-invalid", "true");
    await context.close();
  });
}

test("without JavaScript the job page reloads itself until the job completes", async ({ browser, request }) => {
  const { org, badge } = await orgWithBadge(request, "No Script Co", "noscript-owner@example.com");
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, "noscript-owner@example.com", "jobs-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));
  // 600 rows at this plan's 100 a second: a few seconds of "processing".
  await chooseFile(page, org, badge, "people.csv", people(600, "noscript"));
  await expect(page).toHaveURL(/bulk-issue\/upl_/);
  await page.getByTestId("submit").click();
  await expect(page).toHaveURL(/\/jobs\/job_\w+$/);
  await expect(page.locator("#job-live")).toHaveAttribute("data-job-status", "completed", { timeout: 30_000 });
  expect(await figure(page, "job-succeeded")).toBe(600);
  // Finished: the page stops reloading itself.
  await expect(page.locator("noscript")).toHaveCount(0);
  await context.close();
});

test("another organisation's address keeps the header, says what was not found, and leads back", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}$`));
  await page.goto("/organizations/org_not_mine/jobs/job_nope");
  await expect(page.getByTestId("org-switcher")).toContainText("Choose an organisation");
  await expect(page.getByTestId("error")).toHaveCount(1);
  await expect(page.getByRole("heading", { name: "Bulk job not found" })).toBeVisible();
  await expect(page).toHaveTitle("Bulk job not found · Laurel");
  await page.getByTestId("org-switcher").locator("summary").click();
  await expect(page.getByTestId("org-switcher")).toContainText("Demo Academy");
  await page.getByTestId("home").click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}$`));

  // A bad job id in one's own org: the error once, and the way back to the list.
  await page.goto(`/organizations/${DEMO.org}/jobs/job_nope`);
  await expect(page.getByTestId("error")).toHaveCount(1);
  await page.getByTestId("back").click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}/jobs$`));
});

test("a Viewer sees no issuing buttons", async ({ page, request }) => {
  const { org, badge, key } = await orgWithBadge(request, "Viewer Co", "viewer-owner@example.com");
  laurel("admin", "create-user", "--org", org, "--email", "viewer@viewer.example", "--password", "viewer-password", "--role", "viewer");
  const issued = await request.post("/v1/credentials", {
    headers: { "X-Api-Key": key },
    data: { credential_type: "badge", badge_id: badge, recipient: { name: "Vera", email: "vera@example.com" } },
  });
  expect(issued.status()).toBe(201);
  const credential = (await issued.json()).id;

  await signIn(page, "viewer@viewer.example", "viewer-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));
  for (const where of ["badges", "credentials", "jobs"]) {
    await page.goto(`/organizations/${org}/${where}`);
    await expect(page.locator("h1")).toBeVisible();
    await expect(page.getByTestId("bulk-issue-button")).toHaveCount(0);
  }
  await expect(page.locator("nav.tabs")).not.toContainText("Outbox");
  await page.goto(`/organizations/${org}/credentials/${credential}`);
  await expect(page.getByTestId("status")).toHaveText("Active");
  await expect(page.getByTestId("revoke")).toHaveCount(0);

  // The owner does see them.
  await page.context().clearCookies();
  await signIn(page, "viewer-owner@example.com", "jobs-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));
  await page.goto(`/organizations/${org}/badges`);
  await expect(page.getByTestId("bulk-issue-button")).toBeVisible();
});

test("on the Free plan the review links to the plans, where an Owner asks for an upgrade", async ({ page, request }) => {
  const key = apiKeyFor(DEMO.sandbox);
  const res = await request.post("/v1/badges", {
    headers: { "X-Api-Key": key },
    data: { name: "Sandbox Upgrade Badge", description: "", criteria_narrative: "", validity_days: null },
  });
  expect(res.status()).toBe(201);
  const badge = (await res.json()).id;
  await signIn(page);
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}$`));
  await chooseFile(page, DEMO.sandbox, badge, "free.csv", "name,email\nFay Free,fay@example.com\n");
  await expect(page.getByTestId("submit")).toBeDisabled();
  await page.getByTestId("see-plans").click();

  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.sandbox}/plan$`));
  const plans = page.getByTestId("plans");
  await expect(plans.locator("[data-plan]")).toHaveCount(3);
  await expect(plans.locator("[data-plan=free]")).toContainText("Your plan");
  await expect(plans.locator("[data-plan=professional]")).toContainText("5,000 unique recipients a month");
  await hydrated(page);
  await page.getByLabel("Plan").selectOption("professional");
  await page.getByLabel("Note (optional)").fill("About 300 apprentices a month");
  await page.getByTestId("request-upgrade").click();
  await expect(page.getByTestId("notice")).toContainText("Upgrade requested");
  await expect(page.getByTestId("last-request")).toContainText("An upgrade from Free to Professional was requested: About 300 apprentices a month");

  // It is in the organisation's activity, with who asked.
  await page.goto(`/organizations/${DEMO.sandbox}`);
  await expect(page.locator("body")).toContainText("An upgrade from Free to Professional was requested");
});

test("removing a member and rotating the signing key each ask first and then say they are done", async ({ page, request }) => {
  const { org } = await orgWithBadge(request, "Confirm Co", "confirm-owner@example.com");
  laurel("admin", "create-user", "--org", org, "--email", "leaving@example.com", "--password", "leaving-password", "--role", "issuer");
  await signIn(page, "confirm-owner@example.com", "jobs-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));

  await page.goto(`/organizations/${org}/members`);
  await hydrated(page);
  const row = page.getByTestId("members").locator("tr", { hasText: "leaving@example.com" });
  await row.getByTestId("remove").click();
  await expect(page.getByTestId("confirm")).toContainText("loses access at once");
  await page.getByTestId("confirm-remove").click();
  await expect(page.getByTestId("notice")).toContainText("Member removed");
  await expect(page.getByTestId("members")).not.toContainText("leaving@example.com");

  await page.goto(`/organizations/${org}/settings`);
  await hydrated(page);
  const keys = page.getByTestId("signing-keys").locator("tbody tr");
  const keysBefore = await keys.count();
  await page.getByTestId("rotate").click();
  await expect(page.getByTestId("confirm")).toContainText("keeps verifying");
  await page.getByTestId("confirm-rotate").click();
  await expect(page.getByTestId("notice")).toContainText("Signing key rotated");
  await expect(keys).toHaveCount(keysBefore + 1);
});

test("a new API key's secret has a copy button and the form empties; re-inviting asks before changing the role", async ({
  page,
  context,
  request,
}) => {
  const { org } = await orgWithBadge(request, "Copy Co", "copy-owner@example.com");
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, "copy-owner@example.com", "jobs-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));
  await page.goto(`/organizations/${org}/settings`);
  await hydrated(page);
  const form = page.locator("#api-key-form");
  await form.getByLabel("Name").fill("Payroll sync");
  await form.getByLabel("credentials:write").check();
  await form.getByRole("button", { name: "Create key" }).click();
  const secret = await page.getByTestId("api-key-secret").inputValue();
  expect(secret).toMatch(/^lrl_/);
  await expect(form.getByLabel("Name")).toHaveValue("");
  await expect(form.getByLabel("credentials:write")).not.toBeChecked();
  const copy = page.locator(".copy-field", { has: page.getByTestId("api-key-secret") }).getByTestId("copy");
  await copy.click();
  await expect(copy).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

  await page.goto(`/organizations/${org}/members`);
  await hydrated(page);
  const invite = page.locator("#invite-form");
  await invite.getByLabel("E-mail").fill("newcomer@example.com");
  await invite.locator("select[name=role]").selectOption("viewer");
  await invite.getByRole("button", { name: "Invite" }).click();
  await expect(page.getByTestId("invite-result")).toContainText("newcomer@example.com");
  await expect(invite.getByLabel("E-mail")).toHaveValue("");

  await invite.getByLabel("E-mail").fill("newcomer@example.com");
  await invite.locator("select[name=role]").selectOption("admin");
  await invite.getByRole("button", { name: "Invite" }).click();
  await expect(page.getByTestId("invite-confirm")).toContainText("is already invited as Viewer. Replace it with an invitation as Admin?");
  await invite.getByLabel("Yes, replace the pending invitation").check();
  await invite.getByRole("button", { name: "Invite" }).click();
  await expect(page.getByTestId("invite-result")).toContainText("newcomer@example.com");
  await page.reload();
  await expect(page.locator("tr", { hasText: "newcomer@example.com" })).toContainText("Admin");
});
