-- The console's store, version 1: custodians, admin cards, card sets and their encrypted shares,
-- quorum policies, and the hash-chained audit log with its signed checkpoints.
-- Times are ISO-8601 UTC text. Keys and hashes are BLOBs. No PIN, share, credential or key value is
-- ever stored in the clear: shares are stored encrypted to their card.

CREATE TABLE custodian (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('SECURITY_OFFICER', 'KEY_CUSTODIAN', 'AUDITOR')),
    created_at  TEXT NOT NULL,
    departed_at TEXT
);

-- A card set: the N cards that hold the shares of one secret (the HSM credential, or the LMK backup).
CREATE TABLE card_set (
    id          TEXT PRIMARY KEY,
    purpose     TEXT NOT NULL CHECK (purpose IN ('ADMIN', 'RECOVERY')),
    threshold   INTEGER NOT NULL CHECK (threshold >= 2),
    share_count INTEGER NOT NULL CHECK (share_count >= threshold),
    created_at  TEXT NOT NULL,
    activated_at TEXT,                          -- set once the secret really is the one split (e.g. after C_SetPIN)
    retired_at  TEXT
);
CREATE UNIQUE INDEX one_active_card_set_per_purpose ON card_set (purpose)
    WHERE activated_at IS NOT NULL AND retired_at IS NULL;

CREATE TABLE card (
    serial        TEXT PRIMARY KEY,
    token_label   TEXT NOT NULL,
    custodian_id  TEXT NOT NULL REFERENCES custodian (id),
    key_label     TEXT NOT NULL,
    public_key    BLOB NOT NULL,              -- X.509 SubjectPublicKeyInfo of the on-card EC P-256 key
    status        TEXT NOT NULL CHECK (status IN ('ACTIVE', 'REVOKED')),
    enrolled_at   TEXT NOT NULL,
    revoked_at    TEXT,
    revoke_reason TEXT,
    failed_pins   INTEGER NOT NULL DEFAULT 0   -- consecutive wrong PINs seen by the console
);

-- One share per card and card set, encrypted to the card: ECDH(ephemeral, card key), HKDF-SHA256, AES-256-GCM.
CREATE TABLE share (
    card_set_id      TEXT NOT NULL REFERENCES card_set (id),
    card_serial      TEXT NOT NULL REFERENCES card (serial),
    share_index      INTEGER NOT NULL,
    ephemeral_public BLOB NOT NULL,
    nonce            BLOB NOT NULL,
    ciphertext       BLOB NOT NULL,
    checked_at       TEXT,                     -- when the card was presented after the split and opened its share
    PRIMARY KEY (card_set_id, card_serial),
    UNIQUE (card_set_id, share_index)
);

-- Who must approve an operation: "default" and per-operation rules.
CREATE TABLE policy (
    operation  TEXT PRIMARY KEY,
    rule       TEXT NOT NULL,
    changed_at TEXT NOT NULL
);

CREATE TABLE audit_entry (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    outcome   TEXT NOT NULL,
    details   TEXT NOT NULL,                   -- canonical JSON (RFC 8785), a flat object of strings
    prev_hash BLOB NOT NULL,
    hash      BLOB NOT NULL
);

CREATE TABLE audit_signer (
    key_id     TEXT PRIMARY KEY,
    public_key BLOB NOT NULL,                  -- X.509 SubjectPublicKeyInfo, EC P-384
    created_at TEXT NOT NULL
);

-- The same head may be signed more than once (a login without new entries), so a checkpoint has an id of its own.
CREATE TABLE audit_checkpoint (
    id         INTEGER PRIMARY KEY,
    seq        INTEGER NOT NULL REFERENCES audit_entry (seq),
    head_hash  BLOB NOT NULL,
    at         TEXT NOT NULL,
    key_id     TEXT NOT NULL REFERENCES audit_signer (key_id),
    signature  BLOB NOT NULL                   -- ECDSA P-384 over SHA-384, r||s (docs/audit-log-format.md)
);
CREATE INDEX audit_checkpoint_by_seq ON audit_checkpoint (seq);

-- Append-only: the console never changes or removes an audit entry, checkpoint or signer. Someone with the
-- file can drop these triggers; the hash chain and the signed checkpoints then show what they did.
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
CREATE TRIGGER audit_signer_no_update BEFORE UPDATE ON audit_signer
BEGIN SELECT RAISE(ABORT, 'audit signers are never replaced'); END;
CREATE TRIGGER audit_signer_no_delete BEFORE DELETE ON audit_signer
BEGIN SELECT RAISE(ABORT, 'audit signers are never removed'); END;
