import { expect, Page } from "@playwright/test";

export const DEMO = {
  email: "owner@demo.laurel.test",
  password: "laurel-demo-owner",
  org: "org_demo_academy",
  sandbox: "org_demo_sandbox",
};

/** Resolves once the page's wasm has hydrated it (the body gets a marker). */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
}

export async function signIn(page: Page, email = DEMO.email, password = DEMO.password) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
