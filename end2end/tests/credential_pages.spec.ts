import { APIRequestContext, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { PDFDocument } from "pdf-lib";
import { BASE_URL } from "./env";
import { laurel } from "./fixtures";
import { DEMO, hydrated, signIn, test } from "./helpers";

async function issueBadge(request: APIRequestContext, key: string, badge: string, name: string, email: string) {
  const res = await request.post("/v1/credentials", {
    headers: { "X-Api-Key": key },
    data: { credential_type: "badge", badge_id: badge, recipient: { name, email } },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).id as string;
}

test("an owner opens a credential from the list, revokes it, and its public page then says revoked", async ({
  page,
  request,
}) => {
  const key = JSON.parse(
    laurel("keys", "issue", "pages-e2e", "--org", DEMO.org, "--scopes", "credentials:read,credentials:write", "--format", "json"),
  ).secret;
  const res = await request.post("/v1/badges", {
    headers: { "X-Api-Key": key },
    data: { name: "Harbour Pilot", description: "Steers ships into port", criteria_narrative: "Logged 100 entries", validity_days: 365 },
  });
  expect(res.status()).toBe(201);
  const badge = (await res.json()).id as string;
  const id = await issueBadge(request, key, badge, "Pia Pilot", "pia.pilot@example.com");

  // While it stands, its public page is made to be shared: LinkedIn's
  // form filled in, the page's QR code, and a link preview's tags.
  await page.goto(`/credentials/${id}`);
  const linkedin = page.getByTestId("linkedin");
  const href = new URL((await linkedin.getAttribute("href"))!);
  expect(href.origin + href.pathname).toBe("https://www.linkedin.com/profile/add");
  expect(href.searchParams.get("name")).toBe("Harbour Pilot");
  expect(href.searchParams.get("certId")).toBe(id);
  expect(href.searchParams.get("certUrl")).toBe(`${BASE_URL}/credentials/${id}`);
  await expect(page.locator("[data-testid=qr] svg")).toBeVisible();
  await expect(page.locator('meta[property="og:title"]')).toHaveAttribute("content", "Harbour Pilot");
  await expect(page.locator('meta[property="og:url"]')).toHaveAttribute("content", `${BASE_URL}/credentials/${id}`);
  await expect(page.locator('meta[name="twitter:card"]')).toHaveAttribute("content", "summary");
  await expect(page.locator('meta[property="og:image"]')).toHaveAttribute("content", `${BASE_URL}/badges/${badge}/image.png`);
  // The server's HTML carries them, for link previewers that run no script.
  const html = await (await request.get(`/credentials/${id}`)).text();
  expect(html).toContain('property="og:title" content="Harbour Pilot"');
  await expect(page.getByRole("img", { name: "Harbour Pilot badge" })).toHaveJSProperty("naturalWidth", 512);

  // The certificate downloads as a one-page PDF of each paper size, read
  // by pdf-lib; the badge image downloads with the credential baked in.
  for (const [paper, width] of [["a4", 595.28], ["letter", 612]] as const) {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId(`certificate-${paper}`).click()]);
    expect(download.suggestedFilename()).toBe(`${id}-${paper}.pdf`);
    const pdf = await PDFDocument.load(readFileSync((await download.path())!));
    expect(pdf.getPageCount()).toBe(1);
    expect(pdf.getPage(0).getWidth()).toBeCloseTo(width, 1);
    expect(pdf.getTitle()).toBe("Harbour Pilot — Pia Pilot");
  }
  const [baked] = await Promise.all([page.waitForEvent("download"), page.getByTestId("baked").click()]);
  expect(baked.suggestedFilename()).toBe(`${id}.png`);
  const png = readFileSync((await baked.path())!);
  expect(png.subarray(1, 4).toString()).toBe("PNG");
  expect(png.includes(Buffer.from("openbadgecredential\0"))).toBe(true);

  await signIn(page);
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}$`));
  await page.goto(`/organizations/${DEMO.org}/credentials`);
  await hydrated(page);
  await page.locator("select[name=badge]").selectOption(badge);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(new RegExp(`badge=${badge}`));
  await page.getByRole("link", { name: "Pia Pilot" }).click();
  await expect(page).toHaveURL(new RegExp(`/credentials/${id}$`));
  await expect(page.getByTestId("status")).toHaveText("Active");
  await expect(page.getByTestId("jwt")).toContainText("eyJ");
  await expect(page.getByTestId("jwt-claims")).toContainText(`"jti": "${BASE_URL}/credentials/${id}"`);
  await hydrated(page);

  await page.getByTestId("revoke").click();
  await expect(page.getByTestId("confirm")).toContainText("Revoke this credential?");
  await page.getByLabel("Other:").check();
  await page.getByLabel("Other reason").fill("Issued to the wrong pilot");
  await page.getByTestId("confirm-revoke").click();
  await expect(page.getByTestId("status")).toHaveText("Revoked");
  await expect(page.getByTestId("notice")).toContainText("Credential revoked");
  await expect(page.getByTestId("confirm")).toHaveCount(0);
  await expect(page.getByTestId("revocation-reason")).toContainText("Issued to the wrong pilot");

  await page.goto(`/credentials/${id}`);
  await expect(page.getByTestId("verdict")).toContainText("Revoked");
  await expect(page.getByTestId("share")).toHaveCount(0);
  await expect(page.getByTestId("title")).toHaveText("Harbour Pilot");
  await expect(page.getByTestId("recipient")).toHaveText("Pia Pilot");
  await hydrated(page);
  await expect(page.locator("body")).not.toContainText("pia.pilot@example.com");

  await page.goto(`/organizations/${DEMO.org}/outbox`);
  await expect(page.getByTestId("outbox-totals")).toBeVisible();
  await hydrated(page);
});

test("an unknown credential link is a not-found page, and a job filter shows as a chip that clears it", async ({ page }) => {
  const missing = await page.goto("/credentials/cred_01NOSUCHCREDENTIAL00000000");
  expect(missing?.status()).toBe(404);
  await expect(page.getByTestId("not-found")).toContainText("Credential not found");
  await hydrated(page);

  await signIn(page);
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}$`));
  await page.goto(`/organizations/${DEMO.org}/credentials?job=job_01NOSUCHJOB000000000000000&status=active`);
  await expect(page.getByTestId("job-chip")).toContainText("Job job_01NOSUCHJOB000000000000000");
  await hydrated(page);
  await page.getByTestId("job-chip").click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${DEMO.org}/credentials\\?status=active$`));
  await expect(page.getByTestId("job-chip")).toHaveCount(0);
});
