import { expect } from "@playwright/test";
import { DEMO, hydrated, signIn, test } from "./helpers";

const ISSUER = { email: "issuer@demo.laurel.test", password: "laurel-demo-issuer" };

test("an invitation to someone who already uses Laurel waits for them to accept it", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}$`));
  await page.goto(`/organizations/${DEMO.sandbox}/members`);
  await hydrated(page);
  await page.getByLabel("E-mail").fill(ISSUER.email);
  await page.locator("#invite-form select[name=role]").selectOption("viewer");
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  const result = page.getByTestId("invite-result");
  await expect(result).toContainText(`Invitation to ${ISSUER.email} created`);
  await expect(result).not.toContainText("/invitations/");
  await expect(page.getByRole("cell", { name: new RegExp(ISSUER.email) })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);

  await signIn(page, ISSUER.email, ISSUER.password);
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}$`));
  await expect(page.getByTestId("invitation-count")).toHaveText("1 invitation");
  await page.getByTestId("invitation-count").click();
  await expect(page).toHaveURL(/\/account$/);
  await hydrated(page);
  const mine = page.getByTestId("my-invitations");
  await expect(mine).toContainText("Demo Sandbox invites you as Viewer");
  await mine.getByRole("button", { name: "Accept and join" }).click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.sandbox}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Demo Sandbox" })).toBeVisible();
});

test("the account page works at phone width", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await signIn(page);
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}$`));
  await page.goto("/account");
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Change password" })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
