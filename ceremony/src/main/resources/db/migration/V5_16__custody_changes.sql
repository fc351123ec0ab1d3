-- Version 5.16 (issue 16): custody changes after initialisation (enrol-card, replace-card, revoke-card,
-- unblock-card, change-quorum; docs/decisions/0015-16-custody-lifecycle.md).

-- The run that made a card set (NULL for sets made before this version): a resumed re-share knows its own set.
ALTER TABLE card_set ADD COLUMN run_id TEXT;

-- The run that enrolled a card (NULL for cards of initialize): a resumed enrolment knows its own card.
ALTER TABLE card ADD COLUMN run_id TEXT;

-- A re-share in flight: the new credential, encrypted under a key derived from the credential it replaces
-- (AES-256-GCM, key HKDF-SHA256 of the old credential's PIN text). It exists only between C_SetPIN and the
-- activation of the new card set, both of which remove it in one transaction; if the process dies in between,
-- the next quorum of the old set (the only one that can derive the key) finishes the change. Old shares then
-- open nothing: this row is gone.
CREATE TABLE credential_rollover (
    card_set_id      TEXT PRIMARY KEY REFERENCES card_set (id),   -- the new (pending) set
    from_card_set_id TEXT NOT NULL REFERENCES card_set (id),      -- the set whose credential derives the key
    run_id           TEXT NOT NULL,
    nonce            BLOB NOT NULL,
    ciphertext       BLOB NOT NULL,
    created_at       TEXT NOT NULL
);
