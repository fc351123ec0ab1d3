package org.hsmc.ceremony.audit;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Something that happened, to be written to the audit log: who did it ({@code actor}: a custodian's
 * name, or {@code "console"}), what ({@code action}, a dotted name such as {@code "quorum.approved"}),
 * how it ended, and details as plain text pairs.
 *
 * <p>Details never hold PINs, shares, credentials or key bytes: only names, labels, serials, KCVs,
 * counts and reasons. As a guard against mistakes, a detail whose name ends in a word that names a
 * secret ({@code pin}, {@code puk}, {@code password}, {@code passphrase}, {@code secret},
 * {@code credential}, {@code share}, {@code component}, {@code plaintext}, {@code cleartext}), or that
 * contains {@code key_value}, {@code key_bytes} or {@code clear_key}, is refused; {@code share_index}
 * or {@code pin_tries_left} are fine. Words are split at {@code _}, {@code -}, {@code .} and camelCase
 * ({@code newPin} ends in {@code pin}).
 */
public record AuditEvent(String actor, String action, Outcome outcome, Map<String, String> details) {

    private static final Set<String> SECRET_WORDS = Set.of("pin", "puk", "password", "passphrase", "secret",
            "credential", "share", "component", "plaintext", "cleartext");

    public AuditEvent {
        requireText(actor, "actor");
        requireText(action, "action");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(details, "details");
        TreeMap<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> d : details.entrySet()) {
            if (d.getKey() == null || d.getKey().isEmpty() || d.getValue() == null) {
                throw new IllegalArgumentException("Audit details need a name and a value (action '" + action + "').");
            }
            refuseSecretName(d.getKey(), action);
            AuditFormat.requireWellFormed(d.getKey(), "detail name");
            AuditFormat.requireWellFormed(d.getValue(), "detail '" + d.getKey() + "'");
            copy.put(d.getKey(), d.getValue());
        }
        details = java.util.Collections.unmodifiableMap(copy);
    }

    /** An event without details. */
    public AuditEvent(String actor, String action, Outcome outcome) {
        this(actor, action, outcome, Map.of());
    }

    private static void requireText(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("An audit event needs a non-blank " + what + ".");
        }
        AuditFormat.requireWellFormed(s, what);
    }

    private static void refuseSecretName(String key, String action) {
        String k = key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        String[] words = k.split("[^a-z0-9]+");
        String last = words.length == 0 ? k : words[words.length - 1];
        if (SECRET_WORDS.contains(last) || k.contains("key_value") || k.contains("key_bytes") || k.contains("clear_key")) {
            throw new IllegalArgumentException("The audit detail '" + key + "' of action '" + action + "' looks like it holds"
                    + " a secret; the audit log never holds PINs, shares, credentials or key bytes. Record a KCV, a"
                    + " label or a count instead.");
        }
    }
}
