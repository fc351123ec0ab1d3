package org.hsmc.ceremony.custody;

import org.hsmc.pkcs11.EcCurve;
import org.hsmc.pkcs11.KeyAttributes;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.KeyPairHandles;
import org.hsmc.pkcs11.KeyPairTemplate;
import org.hsmc.pkcs11.KeyUsage;
import org.hsmc.pkcs11.Session;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The audit signing key in the HSM: EC P-384, token object, not extractable, sign only, labelled
 * {@code audit-signer/vN}. Initialize makes v1; adopting a replacement HSM (restore-master-key) makes
 * the next version, since the old key died with the old HSM and a registered signer is never replaced.
 */
public final class AuditKeys {

    /** Label of the first version of the audit signing key. */
    public static final String LABEL = "audit-signer/v1";

    private static final String PREFIX = "audit-signer/v";

    private AuditKeys() {
    }

    /** A key pair the HSM holds, with its label. */
    public record Found(String label, KeyPairHandles keys) {
    }

    /** The first version's key pair, if the HSM holds it. */
    public static Optional<KeyPairHandles> find(Session hsm) {
        return pair(hsm, LABEL);
    }

    /**
     * The newest of the {@code registered} signer labels (the audit log's signers) whose key pair this
     * HSM holds; v1 when nothing is registered yet.
     */
    public static Optional<Found> current(Session hsm, Collection<String> registered) {
        List<String> labels = registered.isEmpty() ? List.of(LABEL) : registered.stream().filter(l -> l.startsWith(PREFIX))
                .sorted(Comparator.comparingInt(AuditKeys::version).reversed()).toList();
        for (String label : labels) {
            Optional<KeyPairHandles> kp = pair(hsm, label);
            if (kp.isPresent()) {
                return Optional.of(new Found(label, kp.get()));
            }
        }
        return Optional.empty();
    }

    /** The label after every registered one: v1 for a new console, v(N+1) after vN. */
    public static String nextLabel(Collection<String> registered) {
        return PREFIX + (registered.stream().filter(l -> l.startsWith(PREFIX)).mapToInt(AuditKeys::version).max().orElse(0) + 1);
    }

    private static int version(String label) {
        try {
            return Integer.parseInt(label.substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Optional<KeyPairHandles> pair(Session hsm, String label) {
        List<KeyHandle> priv = hsm.findKeys(KeyHandle.KeyClass.PRIVATE, label);
        List<KeyHandle> pub = hsm.findKeys(KeyHandle.KeyClass.PUBLIC, label);
        if (priv.isEmpty() || pub.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new KeyPairHandles(pub.getFirst(), priv.getFirst()));
    }

    /** Creates the first audit signing key (refusing when the label exists), and checks what the HSM made. */
    public static KeyPairHandles create(Session hsm) {
        return create(hsm, LABEL);
    }

    /** Creates the audit signing key {@code label} (refusing when the label exists), and checks what the HSM made. */
    public static KeyPairHandles create(Session hsm, String label) {
        if (!hsm.findKeysByLabel(label).isEmpty()) {
            throw new CustodyException("The HSM already holds a key labelled '" + label + "'. The console refuses to make a"
                    + " second one; if this HSM was adopted before, restore that console's store instead.");
        }
        KeyPairHandles kp = hsm.generateEcKeyPair(EcCurve.P384, KeyPairTemplate.of(label, null, true, false, KeyUsage.SIGN));
        KeyAttributes a = hsm.attributes(kp.privateKey());
        if (!a.sensitive() || a.extractable() || a.curve() != EcCurve.P384 || !a.token()) {
            hsm.destroy(kp.privateKey());
            hsm.destroy(kp.publicKey());
            throw new CustodyException("The HSM did not make the audit signing key that was asked for (it reports " + a + ").");
        }
        return kp;
    }
}
