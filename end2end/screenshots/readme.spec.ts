import { Page, expect, test } from "@playwright/test";
import * as path from "path";
import { DEMO, hydrated, signIn } from "../tests/helpers";

const OUT = path.join(__dirname, "..", "..", "docs", "screenshots");
const SAMPLE = path.join(__dirname, "..", "..", "examples", "recipients.csv");
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

  await page.goto(`/organizations/${DEMO.sandbox}/credentials/bulk-issue`);
  await page.getByLabel("Badge").selectOption({ label: "Data Literacy · valid 365 days" });
  await page.getByLabel("Recipients CSV").setInputFiles(SAMPLE);
  await page.getByRole("button", { name: "Validate" }).click();
  await expect(page).toHaveURL(/\/bulk-issue\/upl_/);
  await shoot(page, "review");

  await page.goto(`/organizations/${DEMO.org}/jobs`);
  await page.locator("a[href*='/jobs/job_']").first().click();
  await shoot(page, "job");

  await page.goto(`/organizations/${DEMO.org}/credentials`);
  const credential = (await page.locator("a[href*='/credentials/cred_']").first().getAttribute("href"))!;
  await page.goto(`/credentials/${credential.split("/").pop()}`);
  await shoot(page, "public-credential");
});
