-- Version 4.17: keys made by the steps of a run that is later aborted are WITHDRAWN (withdrawn with their
-- run): they stay in the inventory, with the run that made them, but they are not active, no bundle carries
-- them and no rotation renews them (docs/decisions/0017-13e-way-forward.md). SQLite cannot change a CHECK
-- constraint in place, so working_key and zone_key are rebuilt with the wider status list, every row and
-- index kept; the foreign keys are checked at the end of the migration. (Numbered 4.17 so that it runs before any later version that adds indexes to these tables.)

PRAGMA defer_foreign_keys = ON;

CREATE TABLE working_key_v417 (
    id            TEXT PRIMARY KEY,
    zone_id       TEXT NOT NULL REFERENCES zone (id),
    purpose       TEXT NOT NULL CHECK (purpose IN ('DEK', 'KEK', 'MAC')),
    algorithm     TEXT NOT NULL CHECK (algorithm IN ('AES-128', 'AES-192', 'AES-256')),
    version       INTEGER NOT NULL CHECK (version BETWEEN 1 AND 99999),
    valid_from    TEXT NOT NULL,
    valid_until   TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('ACTIVE', 'REVOKED', 'WITHDRAWN')),
    wrapped       BLOB NOT NULL,
    lmk_version   INTEGER NOT NULL REFERENCES master_key (version),
    kcv           TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    run_id        TEXT NOT NULL,
    superseded_by TEXT REFERENCES working_key_v417 (id),   -- becomes working_key (id) with the rename
    revoked_at    TEXT,
    revoke_reason TEXT,
    incident_id   TEXT,
    UNIQUE (zone_id, purpose, version),
    CHECK (valid_from < valid_until)
);
INSERT INTO working_key_v417 (id, zone_id, purpose, algorithm, version, valid_from, valid_until, status, wrapped, lmk_version,
                              kcv, created_at, run_id, superseded_by, revoked_at, revoke_reason, incident_id)
    SELECT id, zone_id, purpose, algorithm, version, valid_from, valid_until, status, wrapped, lmk_version,
           kcv, created_at, run_id, superseded_by, revoked_at, revoke_reason, incident_id FROM working_key;
DROP TABLE working_key;
ALTER TABLE working_key_v417 RENAME TO working_key;
CREATE INDEX working_key_by_zone ON working_key (zone_id, purpose, status);
CREATE INDEX working_key_by_expiry ON working_key (valid_until);

CREATE TABLE zone_key_v417 (
    id               TEXT PRIMARY KEY,
    zone_id          TEXT NOT NULL REFERENCES zone (id),
    version          INTEGER NOT NULL CHECK (version BETWEEN 1 AND 99999),
    kind             TEXT NOT NULL CHECK (kind IN ('ZMK', 'TRANSPORT')),
    wrapped          BLOB,
    lmk_version      INTEGER REFERENCES master_key (version),
    transport_public BLOB,
    kcv              TEXT NOT NULL,
    components       INTEGER,
    status           TEXT NOT NULL CHECK (status IN ('ACTIVE', 'RETIRED', 'REVOKED', 'WITHDRAWN')),
    created_at       TEXT NOT NULL,
    run_id           TEXT NOT NULL,
    UNIQUE (zone_id, version),
    CHECK ((kind = 'ZMK' AND wrapped IS NOT NULL AND lmk_version IS NOT NULL) OR (kind = 'TRANSPORT' AND transport_public IS NOT NULL))
);
INSERT INTO zone_key_v417 (id, zone_id, version, kind, wrapped, lmk_version, transport_public, kcv, components, status,
                           created_at, run_id)
    SELECT id, zone_id, version, kind, wrapped, lmk_version, transport_public, kcv, components, status, created_at, run_id
    FROM zone_key;
DROP TABLE zone_key;
ALTER TABLE zone_key_v417 RENAME TO zone_key;
