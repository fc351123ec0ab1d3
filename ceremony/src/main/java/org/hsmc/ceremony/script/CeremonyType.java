package org.hsmc.ceremony.script;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The kinds of ceremony, with the names a script gives them in its {@code ceremony} field. */
public enum CeremonyType {
    /** Put the HSM under M-of-N control of the admin cards. */
    INITIALIZE("initialize"),
    /** Generate a new local master key (LMK) version. */
    GENERATE_MASTER_KEY("generate-master-key"),
    /** Create a zone and generate its zone master key, as components or for its transport key. */
    GENERATE_ZONE_MASTER_KEY("generate-zone-master-key"),
    /** Create a zone and import its zone master key from typed components. */
    IMPORT_ZONE_MASTER_KEY("import-zone-master-key"),
    /** Generate working keys of a zone. */
    GENERATE_WORKING_KEYS("generate-working-keys"),
    /** Make new versions of working keys that are due. */
    ROTATE("rotate"),
    /** Revoke keys of a zone. */
    REVOKE("revoke"),
    /** Sign the zones' keys as bundles for their online nodes. */
    EXPORT_BUNDLE("export-bundle"),
    /** Rebuild an LMK from its recovery cards in a replacement HSM, and adopt that HSM. */
    RESTORE_MASTER_KEY("restore-master-key"),

    // ---- custody changes (docs/decisions/0015-16-custody-lifecycle.md)
    /** Enrol a card for a new custodian, or a spare for an existing one; re-share so it holds a share. */
    ENROL_CARD("enrol-card"),
    /** Revoke a card and enrol its replacement; re-share and rotate the credential. */
    REPLACE_CARD("replace-card"),
    /** Revoke a card; re-share over the other cards and rotate the credential. */
    REVOKE_CARD("revoke-card"),
    /** Reset a card's PIN through the card's security officer path; the holder sets a new PIN. */
    UNBLOCK_CARD("unblock-card"),
    /** New M, cards or role rules; re-shared under the old quorum and rotated, every card checked. */
    CHANGE_QUORUM("change-quorum");

    private final String yamlName;

    CeremonyType(String yamlName) {
        this.yamlName = yamlName;
    }

    /** The name as a script writes it, e.g. {@code generate-working-keys}. */
    public String yamlName() {
        return yamlName;
    }

    /** The type a script names, exactly as written (case matters). */
    public static Optional<CeremonyType> fromYamlName(String name) {
        return Arrays.stream(values()).filter(t -> t.yamlName.equals(name)).findFirst();
    }

    /** "initialize, generate-master-key, …, rotate or revoke", for messages. */
    static String allowedNames() {
        return Names.orList(Arrays.stream(values()).map(CeremonyType::yamlName).collect(Collectors.toList()));
    }

    @Override
    public String toString() {
        return yamlName;
    }
}
