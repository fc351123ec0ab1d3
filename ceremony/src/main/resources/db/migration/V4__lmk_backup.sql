-- Version 4: the backup of each LMK (docs/decisions/0011-lmk-backup-on-recovery-cards.md).
-- An LMK is split M-of-N onto recovery cards when it is made (a RECOVERY card set, its shares encrypted to
-- each card as the credential's are), or the site relies on the HSM vendor's own backup, or (older
-- stores, or a script that chose it) there is none. The store never holds the LMK or a share in the clear.

CREATE TABLE lmk_backup (
    lmk_version      INTEGER PRIMARY KEY REFERENCES master_key (version),
    method           TEXT NOT NULL CHECK (method IN ('RECOVERY_CARDS', 'VENDOR', 'NONE')),
    card_set_id      TEXT UNIQUE REFERENCES card_set (id),
    vendor_procedure TEXT,                       -- VENDOR: the site's procedure, as the script names it
    created_at       TEXT NOT NULL,
    run_id           TEXT NOT NULL,
    CHECK ((method = 'RECOVERY_CARDS') = (card_set_id IS NOT NULL)),
    CHECK ((method = 'VENDOR') = (vendor_procedure IS NOT NULL))
);

-- Each LMK version has its own recovery set, and several LMK versions live at once (a rotation keeps the
-- old one until the inventory moved), so only the admin set stays one-at-a-time.
DROP INDEX one_active_card_set_per_purpose;
CREATE UNIQUE INDEX one_active_admin_card_set ON card_set (purpose)
    WHERE purpose = 'ADMIN' AND activated_at IS NOT NULL AND retired_at IS NULL;
