"""Writes the committed seed corpora under fuzz/corpus/. Images by Pillow,
MRZs by PyPI's `mrz` (scripts/lib.sh installs both for the tests), JWS
tokens by PyPI's `cryptography`, signed as `issuance::jws::sign` signs
(compact ES256, low-S) with the JWS target's fixed key
(`JWS_KEY` in fuzz/src/lib.rs). Run from anywhere: python3 fuzz/seeds.py

Several targets take their first byte as a choice (a file name, a media
type, a content type): the seeds spell it out below.
"""
import io
import json
import pathlib
import subprocess
import sys

FUZZ = pathlib.Path(__file__).resolve().parent
ROOT = FUZZ.parent
CORPUS = FUZZ / "corpus"


def write(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (d / name).write_bytes(data)


# csv_reader: first byte picks the file name (fuzz_targets/csv_reader.rs).
NO_NAME, CSV, TSV, TXT, WINDOWS_PATH, XLSX_NAME = 0, 1, 2, 3, 4, 5
csv_seeds = {
    "recipients": (CSV, (ROOT / "examples/recipients.csv").read_bytes()),
    "semicolon": (CSV, b"Name;Email;Team\r\nJane Doe;jane@example.com;A\r\nSam Smith;sam@example.com;B\r\n"),
    "tab": (TSV, b"email\tname\nsam@example.com\tSam Smith\n\njane@example.com\tJane Doe\n"),
    "bom_crlf": (CSV, b"\xef\xbb\xbfname,email\r\nJane Doe,jane@example.com\r\n"),
    "quoted_multiline": (TXT, b'name,email\n"Doe, Jane",jane@example.com\n"Sam\nSmith",sam@example.com\n'),
    "aliases": (WINDOWS_PATH, b"Full Name,E-mail Address,Notes\nJane Doe,jane@example.com,=SUM(A1)\n"),
    "needs_mapping": (NO_NAME, b"Student,Contact\nJane Doe,jane@example.com\n"),
    "unclosed_quote": (CSV, b'name,email\n"Jane,jane@example.com\n'),
    "latin1": (CSV, b"name,email\nJos\xe9,jose@example.com\n"),
    "utf16": (CSV, "name,email\r\nJane,jane@example.com\r\n".encode("utf-16")),
    "header_only": (CSV, b"name,email\n"),
    "duplicate_column": (CSV, b"name,email,Email\nJane,jane@example.com,j@example.com\n"),
    "xlsx": (XLSX_NAME, (ROOT / "issuance/src/bulk/csv_file/fixtures/people.xlsx").read_bytes()),
    "ods": (CSV, (ROOT / "issuance/src/bulk/csv_file/fixtures/people.ods").read_bytes()),
    "png": (CSV, (ROOT / "issuance/src/bulk/csv_file/fixtures/pixel.png").read_bytes()),
}
for name, (pick, body) in csv_seeds.items():
    write("csv_reader", name, bytes([pick]) + body)

# credential_request: request bodies as the API tests send them.
requests = {
    "business": {"credential_type": "business",
                 "subject": {"id": "biz_widgetcorp", "type": "organisation", "name": "WidgetCorp Ltd"},
                 "claims": {"kyb_status": "approved", "verified_at": "2026-05-20T00:00:00Z", "jurisdiction": "US-DE"},
                 "expires_at": "2027-05-20T00:00:00Z"},
    "user": {"credential_type": "user",
             "subject": {"id": "user_jane", "type": "person", "name": {"first": "Jane", "last": "Doe"}},
             "claims": {"kyc_status": "approved", "trust_level": "idv_verified"}},
    "agent": {"credential_type": "agent_authorization", "subject": {"id": "agent_1", "type": "agent", "name": "Assistant"},
              "claims": {"permissions": [{"resource_type": "wallet", "resource_id": "*", "actions": ["pay"],
                                          "conditions": [{"field": "amount", "op": "lte", "value": 100}]}],
                         "delegated_by_subject_id": "user_jane", "role": ["buyer"],
                         "spend_limit": {"amount": 100, "currency": "USD", "period": "daily"},
                         "max_idle_duration": "PT30M"}},
    "outcome_email_risk": {"credential_type": "outcome_attestation", "attestation_type": "email_risk",
                           "subject": {"id": "chk_1", "type": "check"},
                           "claims": {"email": "jane@example.com", "risk_score": 0.1}},
    "outcome_kyb": {"credential_type": "outcome_attestation", "attestation_type": "kyb_outcome",
                    "subject": {"id": "chk_2", "type": "check"},
                    "claims": {"verdict": "passed", "provider": "acme", "reason_codes": ["ok"]}},
    "badge": {"credential_type": "badge", "badge_id": "bdg_01HZX",
              "recipient": {"name": "Jane Doe", "email": "jane@example.com"}},
    "many_problems": {"credential_type": "business", "subject": {"id": "", "type": "organization"},
                      "claims": {"jurisdiction": "Delaware"}, "expires_at": "next year",
                      "expiresAt": "2027-01-01T00:00:00Z"},
    "unknown_type": {"credential_type": "diploma"},
}
for name, body in requests.items():
    write("credential_request", name + ".json", json.dumps(body))
write("credential_request", "not_an_object.json", "[1, 2, 3]")
# The structured target reads bytes through `arbitrary`: a few starting points.
for i, seed in enumerate([b"\x00", b"\x04\x05\x10credential\x00\x01", bytes(range(64))]):
    write("credential_request_structured", f"seed{i}", seed)

# jsonapi_document: first byte's high nibble picks the resource (0 account,
# 4 session, 8 document, 12 verification), low nibble the media type.
ACCOUNT, SESSION, DOCUMENT, VERIFICATION = 0x00, 0x40, 0x80, 0xC0
VND, JSON_, VND_EXT, VND_CHARSET, JSON_CHARSET, TEXT, NONE = range(7)
docs = {
    "account": (ACCOUNT | VND, {"data": {"type": "account", "attributes": {"external_id": "user-1", "tags": ["vip"]}}}),
    "account_null_reference": (ACCOUNT | JSON_, {"data": {"type": "account", "attributes": {"reference": None}}}),
    "session": (SESSION | VND, {"data": {"type": "session",
                                          "attributes": {"name_first": "Anna", "name_last": "Eriksson",
                                                         "birthdate": "1974-08-12", "country_code": "SE",
                                                         "email_address": "anna@example.com"},
                                          "relationships": {"account": {"data": {"type": "account", "id": "acc_1"}}}}}),
    "session_bad_attributes": (SESSION | VND_EXT, {"data": {"type": "session",
                                                            "attributes": {"birthdate": "12/08/1974", "country_code": "sweden"}}}),
    "session_unknown_attribute": (SESSION | VND, {"data": {"type": "session", "attributes": {"nickname": "Annie"}}}),
    "document": (DOCUMENT | VND, {"data": {"type": "document/idv",
                                            "attributes": {"id_class": "pp", "country_code": "SE",
                                                           "mrz": "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"},
                                            "relationships": {"session": {"data": {"type": "session", "id": "ses_1"}}}}}),
    "document_address": (DOCUMENT | JSON_CHARSET, {"data": {"type": "document/address", "attributes": None}}),
    "verification": (VERIFICATION | VND, {"data": {"type": "verification/idv",
                                                    "relationships": {"document": {"data": {"type": "document/idv", "id": "doc_1"}}}}}),
    "type_mismatch": (ACCOUNT | VND, {"data": {"type": "session"}}),
    "no_data": (SESSION | VND, {"errors": []}),
    "charset_refused": (ACCOUNT | VND_CHARSET, {"data": {"type": "account"}}),
    "no_content_type": (ACCOUNT | NONE, {"data": {"type": "account"}}),
}
for name, (pick, doc) in docs.items():
    write("jsonapi_document", name + ".json", bytes([pick]) + json.dumps(doc).encode())

# mrz: ICAO's specimen passport, and zones made by PyPI's mrz.
write("mrz", "td3_icao_specimen", "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10")
from mrz.generator.td1 import TD1CodeGenerator
from mrz.generator.td2 import TD2CodeGenerator
from mrz.generator.td3 import TD3CodeGenerator

write("mrz", "td3", str(TD3CodeGenerator("P", "SWE", "ERIKSSON", "ANNA MARIA", "L898902C3", "SWE", "740812", "F", "320415", "")))
write("mrz", "td1", str(TD1CodeGenerator("I", "SWE", "D23145890", "740812", "F", "320415", "SWE", "ERIKSSON", "ANNA MARIA")))
write("mrz", "td2", str(TD2CodeGenerator("I", "SWE", "ERIKSSON", "ANNA MARIA", "D23145890", "SWE", "740812", "F", "320415")))
write("mrz", "td3_spaced_lowercase", "  p<utoeriksson<<anna<maria<<<<<<<<<<<<<<<<<<<\r\n\r\nL898 902C36UTO7408122F1204159ZE184226B<<<<<10  ")
write("mrz", "td3_bad_digits", "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C37UTO7408123F1204150ZE184226B<<<<<11")
write("mrz", "one_line", "P<UTOERIKSSON<<ANNA")

# image_checks: first byte's low bits pick image/png, image/jpeg,
# image/webp; the high bit the back.
from PIL import Image, ImageDraw


def document(size):
    img = Image.new("RGB", size, (226, 232, 238))
    d = ImageDraw.Draw(img)
    w, h = size
    d.rectangle([w // 20, h // 10, w // 3, h * 6 // 10], fill=(150, 160, 175), outline=(40, 40, 40), width=3)
    for i in range(8):
        y = h // 10 + i * h // 12
        d.text((w * 4 // 10, y), f"FIELD {i:02d} SPECIMEN", fill=(20, 24, 30))
        d.line([(w * 4 // 10, y + h // 30), (w * 95 // 100, y + h // 30)], fill=(90, 100, 110), width=2)
    return img


def encoded(img, fmt, **kw):
    out = io.BytesIO()
    img.save(out, fmt, **kw)
    return out.getvalue()


PNG, JPEG, WEBP = 0, 1, 2
BACK = 0x80
write("image_checks", "front.jpg", bytes([JPEG]) + encoded(document((960, 640)), "JPEG", quality=25))
write("image_checks", "small.png", bytes([PNG]) + encoded(document((96, 64)), "PNG"))
write("image_checks", "back_gray.png", bytes([PNG | BACK]) + encoded(document((120, 80)).convert("L"), "PNG"))
write("image_checks", "small.webp", bytes([WEBP]) + encoded(document((96, 64)), "WEBP", quality=40))
write("image_checks", "lossless.webp", bytes([WEBP | BACK]) + encoded(document((48, 32)), "WEBP", lossless=True))
write("image_checks", "dark_progressive.jpg", bytes([JPEG]) + encoded(Image.new("RGB", (64, 48), (5, 5, 5)), "JPEG", progressive=True))
write("image_checks", "png_called_jpeg", bytes([JPEG]) + encoded(document((32, 24)), "PNG"))

# badge_image: uploads as people make them.
write("badge_image", "pixel.png", (ROOT / "issuance/src/bulk/csv_file/fixtures/pixel.png").read_bytes())
for svg in sorted((ROOT / "examples/badges").glob("*.svg")):
    write("badge_image", svg.name, svg.read_bytes())
write("badge_image", "wide_rgba.png", encoded(document((200, 60)).convert("RGBA"), "PNG"))
write("badge_image", "palette.png", encoded(document((64, 64)).convert("P"), "PNG"))
write("badge_image", "gray16.png", encoded(Image.new("I;16", (20, 30), 40000), "PNG"))
write("badge_image", "text_and_image.svg",
      '<?xml version="1.0"?>\n<!-- a badge -->\n<svg xmlns="http://www.w3.org/2000/svg" '
      'xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 50">'
      '<defs><linearGradient id="g"><stop offset="0" stop-color="#2a6"/><stop offset="1" stop-color="#fff"/></linearGradient></defs>'
      '<rect width="100" height="50" rx="8" fill="url(#g)"/><text x="10" y="30" font-size="12">Mentor</text>'
      '<image href="file:///etc/passwd" width="10" height="10"/>'
      '<image xlink:href="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwADAgH/eL9GtQAAAABJRU5ErkJggg==" '
      'x="80" y="5" width="10" height="10"/><use href="#g"/></svg>')
write("badge_image", "no_size.svg", '<svg xmlns="http://www.w3.org/2000/svg"><circle cx="5" cy="5" r="4"/></svg>')

# bounce_report: the DSN and ARF of issuance/src/outbox/bounce.rs's tests.
dsn = ("From: MAILER-DAEMON@relay.example\r\nTo: bounces@laurel.example\r\n"
       "Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
       "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
       "--B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not be delivered.\r\n"
       "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
       "Reporting-MTA: dns; relay.example\r\nArrival-Date: Mon, 30 Nov 2026 01:00:00 +0000\r\n\r\n"
       "Final-Recipient: rfc822; jane@university.example\r\nOriginal-Recipient: rfc822;jane@university.example\r\n"
       "Action: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; mx.university.example\r\n"
       "Diagnostic-Code: smtp; 550 5.1.1 <jane@university.example>: Recipient address\r\n    rejected: User unknown\r\n\r\n"
       "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
       "Message-ID: <msg_01ABC@laurel.example>\r\nFrom: Laurel <noreply@laurel.example>\r\n"
       "To: jane@university.example\r\nSubject: Demo awarded you a badge\r\n\r\n--B--\r\n")
write("bounce_report", "dsn.eml", dsn)
write("bounce_report", "dsn_delayed.eml", dsn.replace("Action: failed", "Action: delayed"))
write("bounce_report", "dsn_message_rfc822.eml",
      dsn.replace("text/rfc822-headers", "message/rfc822").replace("--B--", "body\r\n--B--"))
arf = ("From: fbl@mailbox.example\r\nTo: fbl@laurel.example\r\nMIME-Version: 1.0\r\n"
       "Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\r\n\r\n"
       "--F\r\nContent-Type: text/plain\r\n\r\nThis is an abuse report.\r\n"
       "--F\r\nContent-Type: message/feedback-report\r\n\r\n"
       "Feedback-Type: abuse\r\nUser-Agent: Mailbox/1.0\r\nVersion: 1\r\nOriginal-Rcpt-To: jane@mailbox.example\r\n\r\n"
       "--F\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <msg_9@laurel.example>\r\nSubject: Your badge\r\n\r\n--F--\r\n")
write("bounce_report", "arf.eml", arf)
write("bounce_report", "not_a_report.eml", "From: a@b.example\r\nSubject: hi\r\n\r\nhello\r\n")
# jws: tokens as Laurel signs them, under the key the target checks with.
import base64

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
KEY = ec.derive_private_key(int.from_bytes(b"laurel fuzz signing key, fixed!!", "big"), ec.SECP256R1())


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


def sign(header, payload, high_s=False):
    head = b64(compact(header)) + "." + b64(payload)
    r, s = decode_dss_signature(KEY.sign(head.encode(), ec.ECDSA(hashes.SHA256())))
    s = min(s, N - s)  # low-S, as Laurel signs
    if high_s:
        s = N - s  # the malleated twin a verifier must refuse
    return head + "." + b64(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


KID = "did:web:laurel.example:organizations:org_01HZX#key_01HZY"
ISSUER = "did:web:laurel.example:organizations:org_01HZX"
vc = compact({"iss": ISSUER, "jti": "https://laurel.example/credentials/cred_01HZZ", "nbf": 1780000000,
              "iat": 1780000000, "exp": 1811536000,
              "vc": {"type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": {"id": ISSUER},
                     "credentialSubject": {"type": "AchievementSubject", "name": "Jane Doe"}}})
header = {"alg": "ES256", "typ": "vc+jwt", "kid": KID}
numbers = KEY.public_key().public_numbers()
jwk = {"kty": "EC", "crv": "P-256", "x": b64(numbers.x.to_bytes(32, "big")), "y": b64(numbers.y.to_bytes(32, "big"))}
credential = sign(header, vc)
write("jws", "credential.jws", credential)
write("jws", "high_s_twin.jws", sign(header, vc, high_s=True))
write("jws", "status_list.jws", sign({"alg": "ES256", "typ": "statuslist+jwt", "kid": KID}, b'{"n":1}'))
write("jws", "header_with_jwk.jws", sign({"alg": "ES256", "typ": "JWT", "kid": KID, "jwk": jwk}, b'{"sub":"x"}'))
write("jws", "alg_none.jws", b64(b'{"alg":"none"}') + "." + b64(b"{}") + ".")
write("jws", "padded_whitespace.jws", "  " + credential + "\n")
write("jws", "four_parts.jws", credential + ".e30")

print("seeds written under", CORPUS)
