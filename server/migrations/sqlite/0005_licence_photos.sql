-- Licence photos (驾驶证专用照片, D4) (sqlite). Keep in step with ../postgres.
-- The newest photo per driver; the bytes stay in the database so every
-- app server serves the same file.
CREATE TABLE licence_photos (
    id_number TEXT NOT NULL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    mime TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png')),
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    bytes BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
