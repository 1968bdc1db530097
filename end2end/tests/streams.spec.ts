import * as http from "http";
import { AddressInfo } from "net";
import { expect } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { orgWithBadge, people, submitCsv } from "./fixtures";
import { hydrated, signIn, test } from "./helpers";

/** A receiver on loopback that checks each delivery with npm's
 * `standardwebhooks` (the specification's reference library). */
function receiver(): Promise<{ url: string; deliveries: any[]; secret: { value: string }; close: () => void }> {
  const deliveries: any[] = [];
  const secret = { value: "" };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      try {
        const payload = new Webhook(secret.value).verify(body, req.headers as Record<string, string>);
        deliveries.push({ verified: true, payload });
      } catch (e) {
        deliveries.push({ verified: false, error: String(e) });
      }
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port;
      resolve({ url: `http://127.0.0.1:${port}/laurel`, deliveries, secret, close: () => server.close() });
    }),
  );
}

test("an admin creates a stream on the page, a job runs, and its delivery is listed and verifies", async ({ page, request }) => {
  const { org, badge } = await orgWithBadge(request, "Streams Co", "streams-owner@example.com");
  const hook = await receiver();
  await signIn(page, "streams-owner@example.com", "jobs-owner-password");
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}$`));
  await page.getByRole("link", { name: "Webhooks" }).click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${org}/streams$`));
  await hydrated(page);

  const form = page.locator("#stream-form");
  await form.getByLabel("Endpoint URL").fill(hook.url);
  await form.getByLabel("A bulk job completes").check();
  await form.getByRole("button", { name: "Create stream" }).click();
  const secret = await page.getByTestId("stream-secret").inputValue();
  expect(secret).toMatch(/^whsec_/);
  hook.secret.value = secret;
  await expect(page.getByTestId("stream")).toContainText(hook.url);
  await expect(page.getByTestId("stream-status")).toHaveText("Active");

  const job = await submitCsv(page, org, badge, people(5, "streams"));
  await expect(page.locator("#job-live")).toHaveAttribute("data-job-status", "completed", { timeout: 15_000 });
  await expect.poll(() => hook.deliveries.length, { timeout: 15_000 }).toBe(1);
  expect(hook.deliveries[0].verified).toBe(true);
  expect(hook.deliveries[0].payload).toMatchObject({ type: "credential.batch_completed", data: { job_id: job, succeeded: 5 } });

  await page.goto(`/organizations/${org}/streams`);
  const row = page.getByTestId("deliveries").locator("tbody tr").first();
  await expect(row).toContainText("credential.batch_completed");
  await expect(row).toHaveAttribute("data-status", "delivered");
  await expect(row.getByTestId("status-code")).toHaveText("204");

  // Resend sends the same message again.
  await hydrated(page);
  await row.getByRole("button", { name: "Resend" }).click();
  await expect(page.getByTestId("notice")).toContainText("Delivery queued again");
  await expect.poll(() => hook.deliveries.length, { timeout: 15_000 }).toBe(2);
  expect(hook.deliveries[1].verified).toBe(true);
  hook.close();

  // The Activity page has the job's events, filtered like the API's.
  await page.getByRole("link", { name: "Activity" }).click();
  await page.getByLabel("Action").selectOption("job.completed");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=job.completed/);
  const events = page.getByTestId("events").locator("tbody tr");
  await expect(events).toHaveCount(1);
  await expect(events.first()).toContainText(`Job ${job} completed (5 issued`);
  await events.first().getByRole("link", { name: job }).click();
  await expect(page.getByTestId("events").locator("tbody tr")).toHaveCount(2);
});
