// A job's delivery phase, seen in the browser: its own Laurel, sending
// through a relay on loopback (aiosmtpd) that takes 200 ms per message over
// two SMTP sessions, so the e-mails go out over several seconds after the
// last credential is issued.
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { expect } from "@playwright/test";
import { E2E_PORT, LAUREL_BIN } from "./env";
import { people } from "./fixtures";
import { hydrated, test } from "./helpers";

const RELAY = `
import asyncio, sys, time
from aiosmtpd.controller import Controller

class Slow:
    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.2)
        return "250 OK"

Controller(Slow(), hostname="127.0.0.1", port=int(sys.argv[1])).start()
print("ready", flush=True)
while True:
    time.sleep(3600)
`;

const PORT = E2E_PORT + 1;
const SMTP_PORT = E2E_PORT + 2;
const BASE = `http://127.0.0.1:${PORT}`;
let dir: string;
let relay: ChildProcess;
let server: ChildProcess;
let env: NodeJS.ProcessEnv;

function laurel(...args: string[]): string {
  return execFileSync(LAUREL_BIN, args, { env, encoding: "utf8" }).trim();
}

async function listening(port: number) {
  for (let i = 0; i < 600; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => (s.end(), resolve(true)));
      s.on("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listened on ${port}`);
}

test.beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "laurel-delivery-"));
  fs.writeFileSync(path.join(dir, "relay.py"), RELAY);
  relay = spawn("python3", [path.join(dir, "relay.py"), String(SMTP_PORT)], { stdio: "ignore" });
  env = {
    ...process.env,
    LAUREL_DATA_DIR: dir,
    LAUREL_DATABASE_URL: `sqlite://${dir}/laurel.db`,
    LAUREL_ADDR: `127.0.0.1:${PORT}`,
    LAUREL_SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
    LAUREL_SMTP_SESSIONS: "2",
    // Issuing takes a few seconds too, so each phase is seen.
    LAUREL_RATE_PROFESSIONAL: "25",
    RUST_LOG: "warn",
  };
  server = spawn(LAUREL_BIN, ["serve"], { env, stdio: "ignore" });
  await listening(SMTP_PORT);
  await listening(PORT);
});

test.afterAll(async () => {
  server?.kill();
  relay?.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a job page goes Processing, then Issued, e-mailing with its e-mail counter rising live, then Completed", async ({
  page,
  request,
}) => {
  const org = laurel("admin", "create-org", "--name", "Mail Co", "--plan", "professional");
  laurel("admin", "approve-org", org);
  laurel("admin", "create-user", "--org", org, "--email", "mail-owner@example.com", "--password", "mail-owner-password", "--role", "owner");
  const key = JSON.parse(
    laurel("keys", "issue", "e2e", "--org", org, "--scopes", "credentials:read,credentials:write", "--format", "json"),
  ).secret;
  const res = await request.post(`${BASE}/v1/badges`, {
    headers: { "X-Api-Key": key },
    data: { name: "First Aid", description: "Knows first aid", criteria_narrative: "Passed the course", validity_days: 365 },
  });
  expect(res.status()).toBe(201);
  const badge = (await res.json()).id;

  await page.goto(`${BASE}/login`);
  await page.getByLabel("E-mail").fill("mail-owner@example.com");
  await page.getByLabel("Password").fill("mail-owner-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));

  await page.goto(`${BASE}/organizations/${org}/credentials/bulk-issue`);
  await page.getByLabel("Badge").selectOption(badge);
  await page
    .getByLabel("Recipients CSV")
    .setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(people(80, "mail")) });
  await page.getByRole("button", { name: "Validate" }).click();
  await expect(page).toHaveURL(new RegExp(`/credentials/bulk-issue/upl_`));
  await hydrated(page);
  await page.getByTestId("submit").click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/jobs/job_\\w+$`), { timeout: 15_000 });
  await page.evaluate(() => ((window as any).__sameDocument = true));
  await hydrated(page);

  // Watch the page itself: each status it shows, and the e-mail counter
  // as it stood while the job was e-mailing.
  const seen: string[] = [];
  const sentWhileMailing: number[] = [];
  const labels = new Set<string>();
  await expect
    .poll(
      async () => {
        // One read of the page, so the three agree with each other.
        const { status, label, sent } = await page.evaluate(() => ({
          status: document.querySelector("#job-live")?.getAttribute("data-job-status"),
          label: (document.querySelector("#job-status") as HTMLElement | null)?.innerText,
          sent: Number((document.querySelector("#job-emails-sent") as HTMLElement | null)?.innerText.replace(/,/g, "")),
        }));
        if (status && seen[seen.length - 1] !== status) seen.push(status);
        if (status === "delivering") {
          labels.add(label ?? "");
          sentWhileMailing.push(sent);
        }
        return status;
      },
      { timeout: 45_000, intervals: [100] },
    )
    .toBe("completed");

  expect(seen.filter((s) => s !== "pending")).toEqual(["processing", "delivering", "completed"]);
  expect([...labels]).toEqual(["Issued, e-mailing"]);
  const rising = sentWhileMailing.filter((n, i) => i > 0 && n > sentWhileMailing[i - 1]);
  expect(rising.length, `the counter rose while e-mailing: ${sentWhileMailing}`).toBeGreaterThan(1);
  expect(Math.min(...sentWhileMailing)).toBeLessThan(80);
  await expect(page.locator("#job-emails-sent")).toHaveText("80");
  await expect(page.locator("#job-emails-progress")).toHaveText("80 of 80 sent");
  await expect(page.locator("#job-status")).toHaveText("Completed");
  expect(await page.evaluate(() => (window as any).__sameDocument), "no reload happened").toBe(true);
});

test("an admin edits the credential e-mail: the preview follows the draft, an unknown placeholder is named, and a test is sent", async ({
  page,
}) => {
  const org = laurel("admin", "create-org", "--name", "Wording Co", "--plan", "professional");
  laurel("admin", "approve-org", org);
  laurel("admin", "create-user", "--org", org, "--email", "words@example.com", "--password", "words-owner-password", "--role", "owner");
  await page.goto(`${BASE}/login`);
  await page.getByLabel("E-mail").fill("words@example.com");
  await page.getByLabel("Password").fill("words-owner-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));

  await page.goto(`${BASE}/organizations/${org}/email`);
  await expect(page.getByTestId("preview-subject")).toHaveText("Wording Co awarded you “Sample badge”");
  await hydrated(page);
  await page.getByTestId("email-subject").fill("Your {badge_name}, {first_name}");
  await expect(page.getByTestId("preview-error")).toContainText("unknown placeholder “{first_name}”");
  await page.getByTestId("email-subject").fill("Your {badge_name} from {org_name}");
  await expect(page.getByTestId("preview-subject")).toHaveText("Your Sample badge from Wording Co");
  await expect(page.frameLocator("iframe.email-frame").locator("body")).toContainText("Hello");
  await page.getByTestId("email-reply-to").fill("office@wording.example");
  await page.getByTestId("save-email").click();
  await expect(page.getByRole("status")).toContainText("E-mail saved");
  await page.reload();
  await expect(page.getByTestId("email-subject")).toHaveValue("Your {badge_name} from {org_name}");
  await expect(page.getByTestId("email-reply-to")).toHaveValue("office@wording.example");

  await hydrated(page);
  await page.getByTestId("send-test-email").click();
  await expect(page.getByRole("status")).toContainText("Test e-mail queued");
  // The relay takes it: the Outbox lists it, sent.
  await expect
    .poll(async () => {
      await page.goto(`${BASE}/organizations/${org}/outbox`);
      return page.locator("tr[data-status=sent]").filter({ has: page.getByTestId("template-test") }).count();
    }, { timeout: 15_000 })
    .toBe(1);
});
