-- Version 3: signed key bundles (docs/bundle-format.md). One row per bundle the console signed, with its
-- exact bytes: the sequence number is strictly increasing per zone (nodes refuse anything not above the
-- last one they imported), and each bundle names the SHA-256 of the zone's previous one.

CREATE TABLE bundle (
    zone_id          TEXT NOT NULL REFERENCES zone (id),
    sequence         INTEGER NOT NULL CHECK (sequence >= 1),
    sha256           TEXT NOT NULL UNIQUE,           -- of the bundle file (the DER bytes), lower-case hex
    previous_sha256  TEXT,                           -- the zone's bundle sequence - 1; NULL for the first
    created_at       TEXT NOT NULL,                  -- the manifest's created_at, also the CMS signing-time
    expires_at       TEXT NOT NULL,
    key_count        INTEGER NOT NULL,
    revocation_count INTEGER NOT NULL,
    wrapping_key_id  TEXT,                           -- zmk/<zone>/vN or tk/<zone>/vN; NULL when the bundle carries no key
    signer_key_id    TEXT NOT NULL,                  -- bundle-signer/vN (console_certificate.key_id)
    file_name        TEXT NOT NULL,                  -- <zone>-<sequence>.p7m, beside it <file_name>.sha256
    directory        TEXT NOT NULL,                  -- where the run wrote it (absolute)
    der              BLOB NOT NULL,                  -- the bundle itself: CMS SignedData, DER
    run_id           TEXT NOT NULL REFERENCES ceremony_run (id),
    written_at       TEXT,                           -- set once the file and its .sha256 are on the medium
    PRIMARY KEY (zone_id, sequence),
    UNIQUE (run_id, zone_id),
    CHECK ((sequence = 1) = (previous_sha256 IS NULL))
);

-- A bundle, once signed, never changes; only written_at is set, once. Bundles are never removed.
CREATE TRIGGER bundle_signed_is_final BEFORE UPDATE OF zone_id, sequence, sha256, previous_sha256, created_at, expires_at,
    key_count, revocation_count, wrapping_key_id, signer_key_id, file_name, directory, der, run_id ON bundle
BEGIN SELECT RAISE(ABORT, 'a signed bundle never changes'); END;
CREATE TRIGGER bundle_written_once BEFORE UPDATE OF written_at ON bundle WHEN OLD.written_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a bundle is written once'); END;
CREATE TRIGGER bundle_no_delete BEFORE DELETE ON bundle
BEGIN SELECT RAISE(ABORT, 'bundles are never removed'); END;
