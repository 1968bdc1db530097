import { expect } from "@playwright/test";
import { DEMO, hydrated, signIn, test } from "./helpers";

test("the demo owner signs in, sees the quota bar, switches org and signs out", async ({ page }) => {
  await signIn(page);

  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Demo Academy" })).toBeVisible();
  await expect(page.getByTestId("plan")).toHaveText("Professional");
  const bar = page.getByRole("progressbar", { name: "Unique recipients this month" });
  await expect(bar).toBeVisible();
  await expect(bar).toHaveAttribute("aria-valuemax", "5000");
  await hydrated(page);

  await page.getByTestId("org-switcher").locator("summary").click();
  await page.getByRole("link", { name: /Demo Sandbox/ }).click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.sandbox}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Demo Sandbox" })).toBeVisible();
  await expect(page.getByTestId("plan")).toHaveText("Free");
  await expect(page.getByRole("progressbar")).toHaveAttribute("aria-valuemax", "50");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto(`/organizations/${DEMO.org}`);
  await expect(page).toHaveURL(/\/login\?next=/);
});

test("signing in works with JavaScript turned off", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, DEMO.email, "a wrong password");
  await expect(page.getByRole("alert")).toContainText("do not match an account");
  await signIn(page);
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}$`));
  await expect(page.getByRole("progressbar")).toBeVisible();
  await context.close();
});

test("a wrong password shows the same calm message after hydration", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("E-mail").fill("nobody@demo.laurel.test");
  await page.getByLabel("Password").fill("whatever it is");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("do not match an account");
  await expect(page).toHaveURL(/\/login/);
});
