import { Page, expect, test } from "@playwright/test";
import * as path from "path";
import { DEMO, hydrated, reviewSampleFile, signIn } from "../tests/helpers";

const OUT = path.join(__dirname, "..", "..", "docs", "screenshots");
const SIZES = { desktop: { width: 1280, height: 860 }, phone: { width: 390, height: 844 } };

async function shoot(page: Page, name: string) {
  await hydrated(page);
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: path.join(OUT, `${name}-${size}.png`), fullPage: size === "desktop" });
  }
  await page.setViewportSize(SIZES.desktop);
}

test("screenshots of the overview, review, job and public pages", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}$`));
  await shoot(page, "overview");

  await reviewSampleFile(page, DEMO.sandbox);
  await shoot(page, "review");

  await page.goto(`/organizations/${DEMO.org}/jobs`);
  await page.locator("a[href*='/jobs/job_']").first().click();
  await shoot(page, "job");

  await page.goto(`/organizations/${DEMO.org}/credentials?type=badge`);
  const credential = (await page.locator("a[href*='/credentials/cred_']").first().getAttribute("href"))!;
  await page.goto(`/credentials/${credential.split("/").pop()}`);
  await shoot(page, "public-credential");
});
