// The Identity section in the browser: a session the checks held for
// review (its name does not match the passport's), reviewed and approved
// by a member, then the credential that proves it, found in Credentials.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { APIRequestContext, expect } from "@playwright/test";
import { laurel } from "./fixtures";
import { hydrated, signIn, test } from "./helpers";

const FIXTURES = path.join(__dirname, "..", "..", "server", "tests", "fixtures", "identity_fixtures.py");
const MEDIA = "application/vnd.api+json";

function python(...args: string[]): string {
  return execFileSync("python3", [FIXTURES, ...args], { encoding: "utf8" }).trim();
}

async function post(request: APIRequestContext, key: string, url: string, data: unknown) {
  const res = await request.post(url, { headers: { "X-Api-Key": key, "Content-Type": MEDIA }, data: JSON.stringify(data) });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return res.json();
}

test("a member reviews a session held for review, approves it, issues its credential and finds it in Credentials", async ({
  page,
  request,
}) => {
  const org = laurel("admin", "create-org", "--name", "Identity Co", "--plan", "professional");
  laurel("admin", "approve-org", org);
  laurel("admin", "create-user", "--org", org, "--email", "kyc-owner@example.com", "--password", "kyc-owner-password", "--role", "owner");
  const key = JSON.parse(
    laurel("keys", "issue", "kyc", "--org", org, "--scopes", "identity:read,identity:write,credentials:write", "--format", "json"),
  ).secret;

  // Through the Identity API: the session says Svensson, the passport Eriksson.
  const account = await post(request, key, "/v1/accounts", { data: { type: "account", attributes: { external_id: "customer-42" } } });
  const session = await post(request, key, "/v1/sessions", {
    data: {
      type: "session",
      attributes: { name_first: "Anna", name_last: "Svensson", birthdate: "1974-08-12" },
      relationships: { account: { data: { type: "account", id: account.data.id } } },
    },
  });
  const sessionId = session.data.id;
  const mrz = python("td3", "Eriksson", "Anna Maria", "L898902C3", "SWE", "740812", "F", "341231");
  const doc = await post(request, key, "/v1/documents", {
    data: {
      type: "document/idv",
      attributes: { id_class: "pp", country_code: "SE", mrz },
      relationships: { session: { data: { type: "session", id: sessionId } } },
    },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "laurel-id-"));
  python("image", path.join(dir, "photo.jpg"));
  const upload = new URL(doc.meta.upload_urls.front);
  const put = await request.put(upload.pathname + upload.search, {
    headers: { "Content-Type": "image/jpeg" },
    data: fs.readFileSync(path.join(dir, "photo.jpg")),
  });
  expect(put.status()).toBe(200);
  await post(request, key, `/v1/sessions/${sessionId}/submit`, null);
  await expect
    .poll(async () => {
      const res = await request.get(`/v1/sessions/${sessionId}`, { headers: { "X-Api-Key": key } });
      return (await res.json()).data.attributes.status;
    }, { timeout: 30_000 })
    .toBe("needs_review");

  // In the dashboard.
  await signIn(page, "kyc-owner@example.com", "kyc-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));
  await page.getByRole("link", { name: "Identity" }).click();
  const row = page.locator(`tr[data-session=${sessionId}]`);
  await expect(row).toHaveAttribute("data-status", "needs_review");
  await row.getByRole("link", { name: "Anna Svensson" }).click();
  await expect(page).toHaveURL(new RegExp(`/identity/sessions/${sessionId}$`));
  await expect(page.getByTestId("session-status")).toHaveText("Needs review");
  const consistency = page.locator("li[data-check=data_consistency]");
  await expect(consistency).toHaveAttribute("data-status", "failed");
  await expect(consistency).toContainText("Svensson");
  await expect(page.locator("li[data-check=mrz_check_digits]")).toHaveAttribute("data-status", "passed");
  // The passport's photo, shown to members.
  const img = page.locator(".doc-images img");
  await expect(img).toBeVisible();
  expect(await img.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(1200);

  await hydrated(page);
  await page.getByTestId("approve").check();
  await page.getByLabel("Note (optional)").fill("Married name; checked the marriage certificate");
  await page.getByTestId("decide").click();
  await expect(page.getByTestId("session-status")).toHaveText("Approved");
  await page.getByTestId("issue-credential").click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/credentials/cred_\\w+$`));
  const credential = page.url().split("/").pop()!;
  await expect(page.locator("body")).toContainText("idv_verified");

  await page.goto(`/organizations/${org}/credentials`);
  await expect(page.locator(`a[href$="/credentials/${credential}"]`).first()).toBeVisible();
  fs.rmSync(dir, { recursive: true, force: true });
});
