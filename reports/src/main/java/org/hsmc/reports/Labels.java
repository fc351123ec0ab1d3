package org.hsmc.reports;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

import static java.util.Map.entry;
import static org.hsmc.reports.Texts.key;

/**
 * The words for the codes the records hold (states, roles, kinds of keys, changes, outcomes), and
 * the way times are printed. A code without a word (a newer console's) is printed as it is.
 */
final class Labels {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    static final Map<String, String> TYPES = Map.ofEntries(
            entry("initialize", key("type.initialize")),
            entry("generate-master-key", key("type.generate_master_key")),
            entry("generate-zone-master-key", key("type.generate_zone_master_key")),
            entry("import-zone-master-key", key("type.import_zone_master_key")),
            entry("generate-working-keys", key("type.generate_working_keys")),
            entry("export-bundle", key("type.export_bundle")),
            entry("rotate", key("type.rotate")),
            entry("revoke", key("type.revoke")),
            entry("reshare", key("type.reshare")),
            entry("restore-master-key", key("type.restore_master_key")),
            entry("enrol-card", key("type.enrol_card")),
            entry("replace-card", key("type.replace_card")),
            entry("revoke-card", key("type.revoke_card")),
            entry("unblock-card", key("type.unblock_card")),
            entry("change-quorum", key("type.change_quorum")));

    static final Map<String, String> STATES = Map.of(
            "PLANNED", key("state.planned"), "QUORUM", key("state.quorum"), "STEPS", key("state.steps"),
            "COMPLETED", key("state.completed"), "ABORTED", key("state.aborted"), "FAILED", key("state.failed"));

    static final Map<String, String> ROLES = Map.of(
            "SECURITY_OFFICER", key("role.security_officer"), "KEY_CUSTODIAN", key("role.key_custodian"),
            "AUDITOR", key("role.auditor"), "OPERATOR", key("role.operator"), "WITNESS", key("role.witness"),
            "PARTICIPANT", key("role.participant"));

    static final Map<String, String> OUTCOMES = Map.of(
            "DONE", key("outcome.done"), "FAILED", key("outcome.failed"), "STARTED", key("outcome.started"),
            "REFUSED", key("outcome.refused"));

    static final Map<String, String> KINDS = Map.ofEntries(
            entry("LMK", key("kind.lmk")), entry("ZMK", key("kind.zmk")), entry("TRANSPORT_KEY", key("kind.transport_key")),
            entry("WORKING_KEY", key("kind.working_key")), entry("ZONE", key("kind.zone")),
            entry("BUNDLE_SIGNER", key("kind.bundle_signer")), entry("AUDIT_SIGNER", key("kind.audit_signer")),
            entry("TRANSPORT", key("kind.transport_key")),
            // custody changes (issue 16)
            entry("CARD", key("kind.card")), entry("CARD_SET", key("kind.card_set")), entry("ROLE_RULE", key("kind.role_rule")));

    static final Map<String, String> CHANGES = Map.ofEntries(
            entry("CREATED", key("change.created")), entry("IMPORTED", key("change.imported")),
            entry("ACTIVATED", key("change.activated")), entry("RETIRED", key("change.retired")),
            entry("SUPERSEDED", key("change.superseded")), entry("REVOKED", key("change.revoked")),
            entry("REGISTERED", key("change.registered")),
            // custody changes (issue 16)
            entry("ENROLLED", key("change.enrolled")), entry("UNBLOCKED", key("change.unblocked")),
            entry("ROTATED", key("change.rotated")), entry("CHANGED", key("change.changed")),
            entry("WITHDRAWN", key("change.withdrawn")));

    static final Map<String, String> STATUSES = Map.of(
            "ACTIVE", key("status.active"), "PENDING", key("status.pending"), "RETIRED", key("status.retired"),
            "REVOKED", key("status.revoked"), "WITHDRAWN", key("status.withdrawn"));

    static final Map<String, String> CONDITIONS = Map.of(
            "IN_FORCE", key("condition.in_force"), "NOT_YET_VALID", key("condition.not_yet_valid"),
            "EXPIRED", key("condition.expired"), "REVOKED", key("condition.revoked"), "WITHDRAWN", key("condition.withdrawn"));

    static final Map<String, String> COMPONENT_EVENTS = Map.of(
            "DELIVERED", key("component.delivered"), "ACCEPTED", key("component.accepted"), "REFUSED", key("component.refused"));

    static final Map<String, String> DAMAGE = Map.of(
            "NONE", key("damage.none"), "CHANGED", key("damage.changed"), "INSERTED", key("damage.inserted"),
            "DELETED", key("damage.deleted"), "REORDERED", key("damage.reordered"), "TRUNCATED", key("damage.truncated"),
            "BAD_CHECKPOINT", key("damage.bad_checkpoint"), "UNKNOWN_SIGNER", key("damage.unknown_signer"));

    static final Map<String, String> OUTCOME_CODES = Map.of(
            "DONE", key("outcome.done"), "REFUSED", key("outcome.refused"), "FAILED", key("outcome.failed"));

    private final Texts t;

    Labels(Texts t) {
        this.t = t;
    }

    /** The word for {@code code} in {@code words}, or the code itself. */
    String of(Map<String, String> words, String code) {
        if (code == null) {
            return DASH;
        }
        String k = words.get(code);
        return k == null ? code : t.get(k);
    }

    static final String DASH = "—";

    /** An ISO-8601 instant as {@code 2026-11-23 08:54:51Z} (UTC); null as a dash; anything else as it is. */
    static String time(String iso) {
        if (iso == null || iso.isBlank()) {
            return DASH;
        }
        try {
            return TIME.format(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            return iso;
        }
    }

    static String time(Instant t) {
        return TIME.format(t);
    }

    /** An ISO-8601 instant as its UTC date. */
    static String date(String iso) {
        if (iso == null || iso.isBlank()) {
            return DASH;
        }
        try {
            return DATE.format(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            return iso;
        }
    }

    /** Null or blank as a dash. */
    static String dash(String s) {
        return s == null || s.isBlank() ? DASH : s;
    }

    static String dash(Object o) {
        return o == null ? DASH : dash(o.toString());
    }
}
