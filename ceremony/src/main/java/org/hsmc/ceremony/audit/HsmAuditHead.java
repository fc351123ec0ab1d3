package org.hsmc.ceremony.audit;

import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The audit head the HSM keeps: at each checkpoint the console writes the head it just signed
 * ({@code seq:hex}, ASCII) into two token data objects (CKO_DATA) of the HSM, labelled with the log's id
 * (the first 32 hex digits of entry 1's hash, {@link AuditLog#logId}), so that each console log on one
 * HSM has its own:
 * <ul>
 *   <li>{@value #LABEL}: private (CKA_PRIVATE), so only a logged-in quorum reads or writes it. It is the
 *       one that counts: the console compares the log with it whenever the quorum opens the HSM and before
 *       every checkpoint, and refuses a log behind it as {@link Damage#TRUNCATED}.</li>
 *   <li>{@value #PUBLIC_LABEL}: public, so {@code hsmc audit verify} and {@code hsmc status} can compare the
 *       log with it without a quorum. It shows a log cut back by someone who edited the store alone;
 *       someone who can also open a session on the HSM can delete or rewrite it (the private copy still
 *       catches them at the next quorum).</li>
 * </ul>
 * See {@code docs/audit-log-format.md}, "The head the HSM keeps".
 */
public final class HsmAuditHead {

    private static final Logger LOG = LoggerFactory.getLogger(HsmAuditHead.class);

    /** Label of the private copy, followed by {@code /} and the log's id. */
    public static final String LABEL = "hsmc-audit-head";
    /** Label of the public copy, followed by {@code /} and the log's id. */
    public static final String PUBLIC_LABEL = "hsmc-audit-head-public";
    /** CKA_APPLICATION of both. */
    public static final String APPLICATION = "hsmc audit head";

    private HsmAuditHead() {
    }

    /** Writes {@code head} into both copies; {@code hsm} is logged in. */
    public static void write(Token hsm, String logId, AuditHead head) {
        byte[] value = head.text().getBytes(StandardCharsets.US_ASCII);
        try (Session s = hsm.openSession()) {
            s.writeData(LABEL + "/" + logId, APPLICATION, value, true);
            try {
                s.writeData(PUBLIC_LABEL + "/" + logId, APPLICATION, value, false);
            } catch (org.hsmc.pkcs11.DataObjectsUnsupportedException e) {
                // e.g. NSS softokn: only the private copy is kept; verification without a quorum has no head to compare
                LOG.info("the HSM '{}' keeps no public data objects; only the private copy of the audit head is kept", hsm.label());
            }
        }
    }

    /** The private copy; empty when the HSM keeps none yet. {@code hsm} is logged in. */
    public static Optional<AuditHead> readPrivate(Token hsm, String logId) {
        String label = LABEL + "/" + logId;
        try (Session s = hsm.openSession()) {
            return latest(s.readAllData(label, true), label);
        }
    }

    /** The public copy (no login needed); empty when the HSM keeps none. */
    public static Optional<AuditHead> readPublic(Token hsm, String logId) {
        String label = PUBLIC_LABEL + "/" + logId;
        try (Session s = hsm.openSession()) {
            return latest(s.readAllData(label, false), label);
        }
    }

    /** The private copy while {@code hsm} is logged in, else the public one. */
    public static Optional<AuditHead> readVisible(Token hsm, String logId) {
        if (hsm.isLoggedIn()) {
            Optional<AuditHead> p = readPrivate(hsm, logId);
            if (p.isPresent()) {
                return p;
            }
        }
        return readPublic(hsm, logId);
    }

    /** The highest head among the copies (two remain when a write stopped between creating and destroying). */
    private static Optional<AuditHead> latest(java.util.List<byte[]> values, String label) {
        return values.stream().map(v -> parse(v, label)).max(java.util.Comparator.comparingLong(AuditHead::seq));
    }

    private static AuditHead parse(byte[] value, String label) {
        String text = new String(value, StandardCharsets.US_ASCII);
        try {
            return AuditHead.parse(text);
        } catch (IllegalArgumentException e) {
            LOG.warn("the HSM's data object '{}' holds no audit head", label);
            throw new AuditLogException("The HSM's data object '" + label + "' does not hold an audit head ('"
                    + (text.length() > 80 ? text.substring(0, 80) + "…" : text) + "'): it was written by something other"
                    + " than this console. Find out who changed it; the console compares the log with it and cannot do so now.", e);
        }
    }
}
