package org.hsmc.ceremony.custody;

import org.hsmc.pkcs11.EcCurve;
import org.hsmc.pkcs11.KeyAttributes;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.KeyPairHandles;
import org.hsmc.pkcs11.KeyPairTemplate;
import org.hsmc.pkcs11.KeyUsage;
import org.hsmc.pkcs11.Session;

import java.util.List;
import java.util.Optional;

/** The audit signing key in the HSM: EC P-384, token object, not extractable, sign only. */
public final class AuditKeys {

    /** Label of the first version of the audit signing key. */
    public static final String LABEL = "audit-signer/v1";

    private AuditKeys() {
    }

    /** The existing audit signing key pair, if the HSM holds one. */
    public static Optional<KeyPairHandles> find(Session hsm) {
        List<KeyHandle> priv = hsm.findKeys(KeyHandle.KeyClass.PRIVATE, LABEL);
        List<KeyHandle> pub = hsm.findKeys(KeyHandle.KeyClass.PUBLIC, LABEL);
        if (priv.isEmpty() || pub.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new KeyPairHandles(pub.getFirst(), priv.getFirst()));
    }

    /** Creates the audit signing key (refusing when the label exists), and checks what the HSM made. */
    public static KeyPairHandles create(Session hsm) {
        if (!hsm.findKeysByLabel(LABEL).isEmpty()) {
            throw new CustodyException("The HSM already holds a key labelled '" + LABEL + "'. The console refuses to make a"
                    + " second one; if this HSM was adopted before, restore that console's store instead.");
        }
        KeyPairHandles kp = hsm.generateEcKeyPair(EcCurve.P384, KeyPairTemplate.of(LABEL, null, true, false, KeyUsage.SIGN));
        KeyAttributes a = hsm.attributes(kp.privateKey());
        if (!a.sensitive() || a.extractable() || a.curve() != EcCurve.P384 || !a.token()) {
            hsm.destroy(kp.privateKey());
            hsm.destroy(kp.publicKey());
            throw new CustodyException("The HSM did not make the audit signing key that was asked for (it reports " + a + ").");
        }
        return kp;
    }
}
