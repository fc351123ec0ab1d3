-- Version 2: the key hierarchy (master keys, zones, zone keys, working keys), ceremony runs with their
-- step journal and approvals, and incidents. Secret keys appear only wrapped under an LMK (RFC 5649),
-- always with their KCV (leftmost 5 bytes of AES-CMAC over a zero block, upper-case hex).

CREATE TABLE master_key (
    version    INTEGER PRIMARY KEY CHECK (version BETWEEN 1 AND 99999),
    label      TEXT NOT NULL UNIQUE,            -- lmk/vN, the HSM token object's CKA_LABEL
    kcv        TEXT NOT NULL,
    -- PENDING: made by a rotation that has not re-wrapped the inventory yet
    status     TEXT NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'RETIRED')),
    created_at TEXT NOT NULL,
    retired_at TEXT,
    run_id     TEXT NOT NULL
);
CREATE UNIQUE INDEX one_active_master_key ON master_key (status) WHERE status = 'ACTIVE';

CREATE TABLE zone (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('ACTIVE', 'REVOKED')),
    created_at    TEXT NOT NULL,
    revoked_at    TEXT,
    revoke_reason TEXT,
    run_id        TEXT NOT NULL
);

-- How keys reach a zone: a ZMK (stored wrapped under the LMK) or the zone's RSA transport public key.
CREATE TABLE zone_key (
    id               TEXT PRIMARY KEY,          -- zmk/<zone>/vN or tk/<zone>/vN
    zone_id          TEXT NOT NULL REFERENCES zone (id),
    version          INTEGER NOT NULL CHECK (version BETWEEN 1 AND 99999),
    kind             TEXT NOT NULL CHECK (kind IN ('ZMK', 'TRANSPORT')),
    wrapped          BLOB,                      -- ZMK: RFC 5649 under the LMK
    lmk_version      INTEGER REFERENCES master_key (version),
    transport_public BLOB,                      -- TRANSPORT: X.509 SubjectPublicKeyInfo
    kcv              TEXT NOT NULL,             -- ZMK: its KCV; TRANSPORT: first 10 hex digits of SHA-256(SPKI)
    components       INTEGER,
    status           TEXT NOT NULL CHECK (status IN ('ACTIVE', 'RETIRED', 'REVOKED')),
    created_at       TEXT NOT NULL,
    run_id           TEXT NOT NULL,
    UNIQUE (zone_id, version),
    CHECK ((kind = 'ZMK' AND wrapped IS NOT NULL AND lmk_version IS NOT NULL) OR (kind = 'TRANSPORT' AND transport_public IS NOT NULL))
);

CREATE TABLE working_key (
    id            TEXT PRIMARY KEY,             -- wk/<zone>/<purpose>/vN
    zone_id       TEXT NOT NULL REFERENCES zone (id),
    purpose       TEXT NOT NULL CHECK (purpose IN ('DEK', 'KEK', 'MAC')),
    algorithm     TEXT NOT NULL CHECK (algorithm IN ('AES-128', 'AES-192', 'AES-256')),
    version       INTEGER NOT NULL CHECK (version BETWEEN 1 AND 99999),
    valid_from    TEXT NOT NULL,
    valid_until   TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('ACTIVE', 'REVOKED')),
    wrapped       BLOB NOT NULL,                -- RFC 5649 under the LMK
    lmk_version   INTEGER NOT NULL REFERENCES master_key (version),
    kcv           TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    run_id        TEXT NOT NULL,
    superseded_by TEXT REFERENCES working_key (id),
    revoked_at    TEXT,
    revoke_reason TEXT,
    incident_id   TEXT,
    UNIQUE (zone_id, purpose, version),
    CHECK (valid_from < valid_until)
);
CREATE INDEX working_key_by_zone ON working_key (zone_id, purpose, status);
CREATE INDEX working_key_by_expiry ON working_key (valid_until);

CREATE TABLE ceremony_run (
    id                TEXT PRIMARY KEY,
    type              TEXT NOT NULL,
    title             TEXT NOT NULL,
    source            TEXT NOT NULL,               -- the script's file name
    script            BLOB NOT NULL,               -- the exact bytes reviewed and run
    script_sha256     TEXT NOT NULL,
    site              TEXT NOT NULL,
    operator          TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('PLANNED', 'QUORUM', 'STEPS', 'COMPLETED', 'ABORTED', 'FAILED')),
    started_at        TEXT NOT NULL,
    ended_at          TEXT,
    audit_head_before TEXT NOT NULL,
    audit_head_after  TEXT,
    rehearsal_pins    INTEGER NOT NULL DEFAULT 0,  -- PINs were read from a file (rehearsal only)
    failure           TEXT
);

-- Every step is journaled before (STARTED) and after (DONE or FAILED) it runs.
CREATE TABLE run_step (
    run_id     TEXT NOT NULL REFERENCES ceremony_run (id),
    step_no    INTEGER NOT NULL,
    name       TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('STARTED', 'DONE', 'FAILED')),
    attempt    INTEGER NOT NULL DEFAULT 1,
    started_at TEXT NOT NULL,
    ended_at   TEXT,
    result     TEXT,
    PRIMARY KEY (run_id, step_no)
);

-- Each approving card signs the script's SHA-256 (ECDSA P-256 over SHA-256, r||s). A resumed run forms
-- a new quorum: quorum_no counts them.
CREATE TABLE run_approval (
    run_id       TEXT NOT NULL REFERENCES ceremony_run (id),
    quorum_no    INTEGER NOT NULL,
    card_serial  TEXT NOT NULL REFERENCES card (serial),
    custodian_id TEXT NOT NULL REFERENCES custodian (id),
    signature    BLOB NOT NULL,
    at           TEXT NOT NULL,
    PRIMARY KEY (run_id, quorum_no, card_serial)
);

CREATE TABLE incident (
    id        TEXT PRIMARY KEY,
    reference TEXT NOT NULL,
    reason    TEXT NOT NULL,
    zone_id   TEXT REFERENCES zone (id),
    at        TEXT NOT NULL,
    run_id    TEXT NOT NULL
);

-- The console certificate: self-signed by the bundle signing key (EC P-384 in the HSM); nodes pin it.
CREATE TABLE console_certificate (
    key_id     TEXT PRIMARY KEY,                 -- bundle-signer/vN, the HSM key pair's label
    der        BLOB NOT NULL,
    subject    TEXT NOT NULL,
    not_before TEXT NOT NULL,
    not_after  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    run_id     TEXT NOT NULL
);
