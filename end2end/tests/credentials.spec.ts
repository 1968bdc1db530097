import { expect } from "@playwright/test";
import { orgWithBadge } from "./fixtures";
import { DEMO, hydrated, signIn, test } from "./helpers";

test("an admin creates an API key in settings, and what it issues shows in the credentials list", async ({
  page,
  request,
}) => {
  await signIn(page);
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}/settings$`));
  await expect(page.getByTestId("did")).toHaveValue(new RegExp(`^did:web:127\\.0\\.0\\.1%3A\\d+:organizations:${DEMO.org}$`));
  await hydrated(page);

  await page.getByLabel("Name").fill("Playwright");
  await page.getByLabel("credentials:write").check();
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = await page.getByTestId("api-key-secret").inputValue();
  expect(secret).toMatch(/^lrl_/);
  await expect(page.getByTestId("api-keys")).toContainText("Playwright");

  const issued = await request.post("/v1/credentials", {
    headers: { "X-Api-Key": secret },
    data: {
      credential_type: "business",
      subject: { id: "biz_playwright", type: "organisation", name: "Playwright Widgets Ltd" },
      claims: { kyb_status: "approved" },
    },
  });
  expect(issued.status()).toBe(201);
  const credential = await issued.json();

  await page.getByRole("link", { name: "Credentials" }).click();
  const row = page.getByTestId("credentials").getByRole("row", { name: /Playwright Widgets Ltd/ });
  await expect(row).toContainText("Active");

  const revoked = await request.post(`/v1/credentials/${credential.id}/revoke`, { headers: { "X-Api-Key": secret } });
  expect(revoked.status()).toBe(200);
  await page.reload();
  await expect(row).toContainText("Revoked");

  await page.getByLabel("Status").selectOption("active");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/status=active/);
  await expect(page.getByText("Playwright Widgets Ltd")).toHaveCount(0);
});

test("a filtered list's 'Revoke all matching' says how many, asks for a reason, and revokes every page of the selection", async ({ page, request }) => {
  const { org, key } = await orgWithBadge(request, "Selection Co", "select-owner@example.com");
  const badge = async (name: string) => {
    const res = await request.post("/v1/badges", {
      headers: { "X-Api-Key": key },
      data: { name, description: name, criteria_narrative: "Done", validity_days: null },
    });
    return (await res.json()).id as string;
  };
  const [keep, drop] = [await badge("Keep"), await badge("Withdrawn")];
  const issue = async (b: string, email: string) => {
    const res = await request.post("/v1/credentials", {
      headers: { "X-Api-Key": key },
      data: { credential_type: "badge", badge_id: b, recipient: { name: email.split("@")[0], email } },
    });
    expect(res.status()).toBe(201);
  };
  await issue(keep, "kept@example.com");
  for (let i = 0; i < 3; i++) await issue(drop, `withdrawn${i}@example.com`);

  await signIn(page, "select-owner@example.com", "jobs-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));
  // Unfiltered, the whole organisation is not offered as a selection.
  await page.goto(`/organizations/${org}/credentials`);
  await expect(page.getByTestId("revoke-matching")).toHaveCount(0);
  await page.goto(`/organizations/${org}/credentials?badge=${drop}`);
  await hydrated(page);
  await page.getByTestId("revoke-matching").click();
  await expect(page.getByTestId("revoke-matching-summary")).toContainText("3 active credentials match these filters");
  await page.getByLabel(/Reason/).fill("Badge withdrawn");
  await page.getByTestId("confirm-revoke-matching").click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/jobs/job_\\w+\\?notice=revocation_started`), { timeout: 15_000 });
  await expect(page.locator("#job-live")).toHaveAttribute("data-job-status", "completed", { timeout: 30_000 });
  await expect(page.locator("#job-succeeded")).toHaveText("3");

  const list = async (status: string) =>
    (await (await request.get(`/v1/credentials?status=${status}`, { headers: { "X-Api-Key": key } })).json()).data;
  const revoked = await list("revoked");
  expect(revoked.map((c: any) => c.revocation_reason)).toEqual(["Badge withdrawn", "Badge withdrawn", "Badge withdrawn"]);
  expect((await list("active")).map((c: any) => c.recipient?.email ?? c.recipient_email)).toHaveLength(1);
});
