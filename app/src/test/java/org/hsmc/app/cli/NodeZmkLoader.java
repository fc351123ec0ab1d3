package org.hsmc.app.cli;

import org.hsmc.pkcs11.KeyTemplate;
import org.hsmc.pkcs11.KeyUsage;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.hsmc.pkcs11.softhsm.SoftHsm;

import java.nio.file.Path;
import java.util.HexFormat;

/**
 * A child process for {@link BundleCommandTest}: puts a zone's ZMK into a node token, as the node's custodians
 * would from their components (the test JVM itself never loads a PKCS#11 library, see HsmcCommandLineTest).
 * Arguments: module, softhsm2.conf, token label, user PIN, ZMK label, ZMK hex.
 */
public final class NodeZmkLoader {

    private NodeZmkLoader() {
    }

    public static void main(String[] args) {
        try (Pkcs11Module m = Pkcs11Module.load(Path.of(args[0]), SoftHsm.environment(Path.of(args[1])))) {
            Token t = m.token(args[2]);
            t.login(args[3].toCharArray());
            try (Session s = t.openSession()) {
                s.createSecretKey(KeyTemplate.aes(32).label(args[4]).token(true).sensitive(true).extractable(false)
                        .usages(KeyUsage.UNWRAP, KeyUsage.SIGN).build(), HexFormat.of().parseHex(args[5]));
            }
            t.logout();
        }
        System.out.println("ZMK LOADED");
    }
}
