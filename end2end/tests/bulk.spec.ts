import { APIRequestContext, Page, expect } from "@playwright/test";
import { laurel } from "./fixtures";
import { DEMO, hydrated, signIn, test } from "./helpers";

function keyFor(org: string): string {
  return JSON.parse(laurel("keys", "issue", "bulk-e2e", "--org", org, "--scopes", "credentials:read,credentials:write", "--format", "json"))
    .secret;
}

async function createBadge(request: APIRequestContext, key: string, name: string): Promise<string> {
  const res = await request.post("/v1/badges", {
    headers: { "X-Api-Key": key },
    data: { name, description: "Handles a forklift safely", criteria_narrative: "Passed the practical", validity_days: null },
  });
  expect(res.status()).toBe(201);
  return (await res.json()).id;
}

async function issue(request: APIRequestContext, key: string, badge: string, email: string, expiresAt?: Date) {
  const data: any = { credential_type: "badge", badge_id: badge, recipient: { name: email.split("@")[0], email } };
  if (expiresAt) data.expires_at = expiresAt.toISOString().replace(/\.\d+Z$/, "Z");
  const res = await request.post("/v1/credentials", { headers: { "X-Api-Key": key }, data });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).id as string;
}

async function uploadCsv(page: Page, org: string, badgeId: string, csv: string) {
  await page.goto(`/organizations/${org}/credentials/bulk-issue`);
  await page.getByLabel("Badge").selectOption(badgeId);
  await page.getByLabel("Recipients CSV").setInputFiles({ name: "recipients.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Validate" }).click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/credentials/bulk-issue/upl_`));
}

test("a CSV with a row of each status is reviewed with the right totals", async ({ page, request }) => {
  // A Professional org of its own, with a quota that the upload will exceed by one.
  const org = laurel("admin", "create-org", "--name", "Bulk Review Co", "--plan", "professional");
  laurel("admin", "approve-org", org);
  laurel("admin", "create-user", "--org", org, "--email", "bulk-owner@example.com", "--password", "bulk-owner-password", "--role", "owner");
  laurel("admin", "set-quota", "--org", org, "--quota", "6");
  const key = keyFor(org);
  const badge = await createBadge(request, key, "Forklift Safety");

  const soon = new Date(Date.now() + 2500);
  await issue(request, key, badge, "timebound@example.com", new Date(Date.now() + 30 * 86400_000));
  await issue(request, key, badge, "forever@example.com");
  await issue(request, key, badge, "lapsed@example.com", soon);
  const revoked = await issue(request, key, badge, "revoked@example.com", new Date(Date.now() + 30 * 86400_000));
  expect((await request.post(`/v1/credentials/${revoked}/revoke`, { headers: { "X-Api-Key": key } })).status()).toBe(200);
  await new Promise((r) => setTimeout(r, Math.max(0, soon.getTime() - Date.now() + 500)));

  const csv = [
    "Email,Name,Department",
    "new.one@example.com,New One,Ops",
    "timebound@example.com,Time Bound,Ops",
    "forever@example.com,Forever,Ops",
    "lapsed@example.com,Lapsed,Ops",
    "revoked@example.com,Revoked,Ops",
    "not-an-address,Broken,Ops",
    '"new.two@example.com","Two, New",Ops',
    "new.three@example.com,New Three,Ops",
  ].join("\r\n");

  await signIn(page, "bulk-owner@example.com", "bulk-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));
  await uploadCsv(page, org, badge, csv);

  const expected: Record<string, string> = {
    new: "2",
    renewal: "1",
    active_time_bound: "1",
    active_non_expiring: "1",
    revoked: "1",
    invalid: "1",
    over_quota: "1",
  };
  for (const [status, count] of Object.entries(expected)) {
    await expect(page.getByTestId(`count-${status}`)).toHaveText(count);
  }
  await expect(page.getByTestId("total-valid")).toHaveText("7");
  await expect(page.getByTestId("total-issuable")).toHaveText("5");
  await expect(page.getByTestId("quota-use")).toHaveText("uses 2 of 2 left this month");
  await expect(page.getByText("Columns ignored: Department")).toBeVisible();

  const table = page.getByTestId("review");
  await expect(table.locator("tr[data-status=new]")).toHaveCount(2);
  await expect(table.locator("tr[data-status=over_quota]")).toContainText("new.three@example.com");
  await expect(table.locator("tr[data-status=invalid]")).toContainText("has no '@'");
  await expect(table.locator("tr[data-status=new]").first()).toContainText("new.one@example.com");
  await expect(page.getByTestId("submit")).toBeEnabled();

  await hydrated(page);
  await page.locator("a.chip[data-status=invalid]").click();
  await expect(table.locator("tbody tr")).toHaveCount(1);
  await expect(table).toContainText("Broken");
});

test("Submit is disabled for a Free-plan org and for a file with no issuable row", async ({ page, request }) => {
  const sandboxBadge = await createBadge(request, keyFor(DEMO.sandbox), "Sandbox Badge");
  expect(sandboxBadge).toMatch(/^bdg_/);
  await signIn(page);
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}$`));
  await uploadCsv(page, DEMO.sandbox, sandboxBadge, "name,email\nJane Doe,jane.free@example.com\n");
  await expect(page.getByTestId("count-new")).toHaveText("1");
  await expect(page.getByTestId("submit")).toBeDisabled();
  await expect(page.getByTestId("submit-blocked")).toContainText("Upgrade to Professional or Enterprise");

  const emptyBadge = await createBadge(request, keyFor(DEMO.org), "Empty Upload Badge");
  await uploadCsv(page, DEMO.org, emptyBadge, "name,email\n,missing-name@example.com\nNo Email,\n");
  await expect(page.getByTestId("count-invalid")).toHaveText("2");
  await expect(page.getByTestId("submit")).toBeDisabled();
  await expect(page.getByTestId("submit-blocked")).toContainText("No row can be issued");
});

test("the review shows each row's award columns, and choosing to revoke and reissue a holder before Submit does so", async ({ page, request }) => {
  const org = laurel("admin", "create-org", "--name", "Award Columns Co", "--plan", "professional");
  laurel("admin", "approve-org", org);
  laurel("admin", "create-user", "--org", org, "--email", "award-owner@example.com", "--password", "award-owner-password", "--role", "owner");
  const key = keyFor(org);
  const badge = await createBadge(request, key, "Capstone");
  const held = await issue(request, key, badge, "holder@example.com");

  const csv = [
    "Name,Email,Narrative,Evidence_URL,Evidence_Name,Issued_On,Expires_At",
    "Holder,holder@example.com,,,,,",
    "Nia Newcomer,nia@example.com,Led the capstone team.,https://portfolio.example/nia,Portfolio,2026-01-15,2030-06-30",
    "Late Comer,late@example.com,,,,2099-01-01,",
  ].join("\n");
  await signIn(page, "award-owner@example.com", "award-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));
  await uploadCsv(page, org, badge, csv);
  await hydrated(page);

  const nia = page.locator("tr", { hasText: "nia@example.com" });
  const award = nia.getByTestId("award");
  await expect(award).toContainText("Awarded 15 January 2026");
  await expect(award).toContainText("Expires 30 June 2030");
  await expect(award).toContainText("“Led the capstone team.”");
  await expect(award.getByRole("link", { name: "Portfolio" })).toHaveAttribute("href", "https://portfolio.example/nia");
  await expect(page.locator("tr", { hasText: "late@example.com" })).toContainText("issued_on 2099-01-01T00:00:00Z is in the future");

  // The holder of a non-expiring credential is skipped by default; each
  // choice says what it would do before anything is chosen.
  const duplicates = page.getByTestId("duplicates");
  await expect(duplicates.getByRole("heading")).toHaveText("1 recipient already holds this badge");
  await expect(page.getByTestId("effect-replace")).toHaveText("1 revoked and reissued");
  await expect(page.getByTestId("effect-allow")).toHaveText("1 get another");
  const holder = page.locator("tr", { hasText: "holder@example.com" });
  await expect(holder).toContainText("Active (non-expiring): skipped");
  await duplicates.getByLabel(/Revoke and reissue/).check();
  await page.getByTestId("apply-policy").click();
  await expect(holder).toContainText("Active (non-expiring): reissue");

  await page.getByTestId("submit").click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/jobs/job_`));
  await expect(page.locator("#job-live")).toHaveAttribute("data-job-status", "completed", { timeout: 30_000 });
  const old = await (await request.get(`/v1/credentials/${held}`, { headers: { "X-Api-Key": key } })).json();
  expect(old.status).toBe("revoked");
});

test("a file that names two badges is reviewed badge by badge and one job issues each row its own", async ({ page, request }) => {
  const org = laurel("admin", "create-org", "--name", "Two Badges Co", "--plan", "professional");
  laurel("admin", "approve-org", org);
  laurel("admin", "create-user", "--org", org, "--email", "two-owner@example.com", "--password", "two-owner-password", "--role", "owner");
  const key = keyFor(org);
  const rocketry = await createBadge(request, key, "Rocketry");
  await createBadge(request, key, "Safety");
  await issue(request, key, rocketry, "held@example.com");

  const csv = [
    "name,email,badge",
    "Ada,ada@example.com,Rocketry",
    "Ada,ada@example.com,Safety",
    "Held,held@example.com,Rocketry",
    "Bo,bo@example.com,Safety",
    "Cy,cy@example.com,Welding",
  ].join("\n");
  await signIn(page, "two-owner@example.com", "two-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));
  await uploadCsv(page, org, "in_file", csv);
  await hydrated(page);

  const groups = page.getByTestId("badge-groups");
  await expect(groups.getByRole("heading")).toHaveText("2 badges in this file");
  const rocketryRow = groups.locator("tr", { hasText: "Rocketry" });
  await expect(rocketryRow.getByTestId("group-issuable")).toHaveText("1");
  await expect(groups.locator("tr", { hasText: "Safety" }).getByTestId("group-issuable")).toHaveText("2");
  await expect(page.locator("tr", { hasText: "cy@example.com" })).toContainText("Badge 'Welding' is not a badge of this organisation");
  // Ada twice, once per badge: two rows to issue, neither a duplicate.
  await expect(page.getByTestId("count-duplicate")).toHaveText("0");

  await rocketryRow.getByRole("link", { name: "Rocketry" }).click();
  await expect(page).toHaveURL(/\?badge=bdg_/);
  await expect(page.getByTestId("row-badge")).toHaveText(["Rocketry", "Rocketry"]);

  await page.getByTestId("submit").click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/jobs/job_`));
  await expect(page.locator("#job-live")).toHaveAttribute("data-job-status", "completed", { timeout: 30_000 });
  await expect(page.locator("p.muted", { hasText: "Several badges · recipients.csv" })).toBeVisible();
  const job = page.url().split("/").pop();
  const list = await (await request.get(`/v1/credentials?job_id=${job}`, { headers: { "X-Api-Key": key } })).json();
  const issued = list.data.map((c: any) => `${c.recipient?.email ?? c.subject?.email}:${c.badge_id === rocketry ? "Rocketry" : "Safety"}`);
  expect(issued.sort()).toEqual(["ada@example.com:Rocketry", "ada@example.com:Safety", "bo@example.com:Safety"]);
});
