-- Badge images uploaded to Laurel, normalised to one square PNG and served
-- from /badges/{id}/image.png. Kept in the database, like CSV uploads, so
-- that every process serving the org sees the same file.
CREATE TABLE badge_images (
    badge_id   TEXT PRIMARY KEY REFERENCES badges(id) ON DELETE CASCADE,
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    png        BLOB NOT NULL,
    sha256     TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
