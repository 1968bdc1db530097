import { expect } from "@playwright/test";
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
