// At a phone's width (360 px) no page is wider than the screen: the
// sections fold into a menu, and wide tables scroll inside their card.
import { Page, expect } from "@playwright/test";
import { DEMO, hydrated, orgPages, reviewSampleFile, signIn, test } from "./helpers";

async function noSidewaysScroll(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("main, .auth, body").first()).toBeVisible();
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
  expect(widths.page, `${path} is ${widths.page} px wide at ${widths.screen}`).toBeLessThanOrEqual(widths.screen);
}

test.use({ viewport: { width: 360, height: 740 } });

test("no page scrolls sideways at 360 px, and the sections fold into a menu", async ({ page }) => {
  await noSidewaysScroll(page, "/login");
  await signIn(page);
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}$`));
  const org = `/organizations/${DEMO.org}`;
  for (const p of orgPages(DEMO.org)) {
    await noSidewaysScroll(page, p);
  }

  // A credential (the org's view and its public page), its badge's page, a job, and a review.
  const firstLink = async (path: string, pattern: string) => {
    await page.goto(path);
    const links = page.locator(`a[href*='${pattern}']`);
    return (await links.count()) > 0 ? await links.first().getAttribute("href") : null;
  };
  const credential = await firstLink(`${org}/credentials?type=badge`, "/credentials/cred_");
  expect(credential, "the seeded demo has credentials").not.toBeNull();
  await noSidewaysScroll(page, credential!);
  await noSidewaysScroll(page, `/credentials/${credential!.split("/").pop()}`);
  const badge = (await page.getByTestId("badge-link").getAttribute("href"))!;
  await noSidewaysScroll(page, new URL(badge).pathname);
  const job = await firstLink(`${org}/jobs`, "/jobs/job_");
  expect(job, "the seeded demo has a job").not.toBeNull();
  await noSidewaysScroll(page, job!);
  // The review of the sample file, every status in it.
  await reviewSampleFile(page, DEMO.sandbox);
  await noSidewaysScroll(page, page.url());

  // The menu: closed at first, open on a tap, closed again once a section is picked.
  await page.goto(org);
  const nav = page.locator("#org-nav");
  await expect(nav).toBeHidden();
  await page.getByTestId("nav-menu").click();
  await expect(nav).toBeVisible();
  await hydrated(page);
  await nav.getByRole("link", { name: "Badges" }).click();
  await expect(page).toHaveURL(new RegExp(`${org}/badges$`));
  await expect(nav).toBeHidden();
});
