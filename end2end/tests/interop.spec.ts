// Credentials checked by verifiers nobody here wrote: `jose` for the JWS,
// `did-jwt` with `did-resolver` for did:web resolution and verification,
// and Digital Bazaar's `vc-bitstring-status-list` for revocation. No
// browser needed.
import { execFileSync } from "child_process";
import { expect, test } from "@playwright/test";
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { verifyJWT } from "did-jwt";
import { Resolver } from "did-resolver";
import { BitstringStatusList } from "@digitalbazaar/vc-bitstring-status-list";
import { BASE_URL, CLI_ENV, LAUREL_BIN } from "./env";
import { DEMO } from "./helpers";

function apiKey(): string {
  const out = execFileSync(
    LAUREL_BIN,
    ["keys", "issue", "interop", "--org", DEMO.org, "--scopes", "credentials:read,credentials:write", "--format", "json"],
    { env: CLI_ENV, encoding: "utf8" },
  );
  return JSON.parse(out).secret;
}

/**
 * A did:web driver for did-resolver, as the did:web specification defines
 * the transform (web-did-resolver's own, which always fetches over https
 * with its own fetch): `did:web:host%3Aport:a:b` -> `/a/b/did.json`. The
 * test server speaks plain http on loopback, so only the scheme differs.
 */
function didWebOverLoopbackHttp() {
  return {
    web: async (did: string, parsed: { id: string }) => {
      let path = parsed.id.split(":").map(decodeURIComponent).join("/");
      path = path.includes("/") ? `${path}/did.json` : `${path}/.well-known/did.json`;
      const response = await fetch(`http://${path}`);
      if (!response.ok) {
        return { didResolutionMetadata: { error: "notFound" }, didDocument: null, didDocumentMetadata: {} };
      }
      const didDocument = await response.json();
      return {
        didResolutionMetadata: { contentType: "application/did+json" },
        didDocument: didDocument.id === did ? didDocument : null,
        didDocumentMetadata: {},
      };
    },
  };
}

const business = {
  credential_type: "business",
  subject: { id: "biz_interop", type: "organisation", name: "Interop Ltd" },
  claims: { kyb_status: "approved", verified_at: "2026-05-20T00:00:00Z", jurisdiction: "US-DE" },
};

test("jose verifies a credential against the key in the served DID document", async ({ request }) => {
  const key = apiKey();
  const issued = await request.post("/v1/credentials", { headers: { "X-Api-Key": key }, data: business });
  expect(issued.status()).toBe(201);
  const credential = await issued.json();
  const token: string = credential.signed_payload;

  const header = decodeProtectedHeader(token);
  expect(header).toMatchObject({ alg: "ES256", typ: "vc+jwt", kid: credential.kid });
  const did = credential.issuer_did as string;
  expect(did).toMatch(/^did:web:127\.0\.0\.1%3A\d+:organizations:/);

  const doc = await (await request.get(`/organizations/${DEMO.org}/did.json`)).json();
  expect(doc.id).toBe(did);
  expect(doc.assertionMethod).toContain(header.kid);
  const method = doc.verificationMethod.find((m: any) => m.id === header.kid);
  const publicKey = await importJWK(method.publicKeyJwk, "ES256");
  const { payload } = await jwtVerify(token, publicKey, { issuer: did, typ: "vc+jwt" });
  expect(payload.jti).toBe(credential.url);
  expect(payload.jti).toBe(payload.id);
  expect(payload.sub).toBe("biz_interop");
  expect(payload["@context"]).toContain("https://www.w3.org/ns/credentials/v2");
  expect(payload.type).toEqual(["VerifiableCredential", "BusinessCredential"]);

  const [h, p] = token.split(".");
  const forged = Buffer.from(JSON.stringify({ ...decodeJwt(token), sub: "biz_someone_else" })).toString("base64url");
  await expect(jwtVerify(`${h}.${forged}.${token.split(".")[2]}`, publicKey)).rejects.toThrow();
  expect(p.length).toBeGreaterThan(0);
});

test("did-jwt resolves the did:web issuer and verifies the signature with the key it finds", async ({ request }) => {
  const key = apiKey();
  const credential = await (await request.post("/v1/credentials", { headers: { "X-Api-Key": key }, data: business })).json();
  const resolver = new Resolver(didWebOverLoopbackHttp());
  const resolution = await resolver.resolve(credential.issuer_did);
  expect(resolution.didResolutionMetadata.error).toBeUndefined();
  expect(resolution.didDocument?.id).toBe(credential.issuer_did);

  const verified = await verifyJWT(credential.signed_payload, { resolver, policy: { aud: false } });
  expect(verified.verified).toBe(true);
  expect(verified.issuer).toBe(credential.issuer_did);
  expect(verified.signer.id).toBe(credential.kid);
});

test("the status list decodes with vc-bitstring-status-list and the bit flips on revocation", async ({ request }) => {
  const key = apiKey();
  const credential = await (await request.post("/v1/credentials", { headers: { "X-Api-Key": key }, data: business })).json();
  const payload: any = decodeJwt(credential.signed_payload);
  const entry = payload.credentialStatus;
  expect(entry).toMatchObject({ type: "BitstringStatusListEntry", statusPurpose: "revocation" });
  expect(Number(entry.statusListIndex)).toBe(credential.status_list_index);

  const doc = await (await request.get(`/organizations/${DEMO.org}/did.json`)).json();
  const readBit = async () => {
    const res = await request.get(entry.statusListCredential.replace(/^https?:\/\/[^/]+/, BASE_URL));
    expect(res.headers()["content-type"]).toBe("application/vc+jwt");
    const jwt = await res.text();
    // The list credential is itself signed by the issuer.
    const { kid } = decodeProtectedHeader(jwt);
    const method = doc.verificationMethod.find((m: any) => m.id === kid);
    const { payload: list }: any = await jwtVerify(jwt, await importJWK(method.publicKeyJwk, "ES256"));
    expect(list.type).toContain("BitstringStatusListCredential");
    expect(list.credentialSubject.statusPurpose).toBe("revocation");
    const decoded = await BitstringStatusList.decode({ encodedList: list.credentialSubject.encodedList });
    expect(decoded.length).toBeGreaterThanOrEqual(131072);
    return decoded.getStatus(Number(entry.statusListIndex));
  };

  expect(await readBit()).toBe(false);
  const revoked = await request.post(`/v1/credentials/${credential.id}/revoke`, {
    headers: { "X-Api-Key": key },
    data: { reason: "interop test" },
  });
  expect(revoked.status()).toBe(200);
  expect(await readBit()).toBe(true);
});
