package org.hsmc.pkcs11;

import org.hsmc.testsupport.NssStore;
import org.hsmc.testsupport.RequiresNss;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * NSS softokn refuses private and token data objects (CKO_DATA): a private value is kept in the CKA_ID of
 * a private token key of no value instead, replaced in place and hidden without login; a public one is
 * refused by name.
 */
@RequiresNss
class NssDataObjectTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aPrivateValueIsKeptInAKeyOfNoValueAndAPublicOneIsRefusedByName(NssStore store) {
        try (Pkcs11Module m = Pkcs11Module.load(store.moduleConfig())) {
            Token t = m.token("hsm");
            t.logout(); // whatever an earlier test of this JVM left
            t.login(store.userPin("hsm"));
            String label = "nss-data-test/private";
            try {
                try (Session s = t.openSession()) {
                    assertThat(s.readAllData(label, true)).isEmpty();
                    s.writeData(label, "hsmc test", ascii("1:aa"), true);
                    s.writeData(label, "hsmc test", ascii("2:bb"), true);
                    assertThat(s.readAllData(label, true)).as("the new value replaced the old")
                            .singleElement().isEqualTo(ascii("2:bb"));
                    KeyHandle holder = s.findKeys(KeyHandle.KeyClass.SECRET, label).getFirst();
                    KeyAttributes a = s.attributes(holder);
                    assertThat(a.sensitive()).isTrue();
                    assertThat(a.extractable()).isFalse();
                    assertThat(a.usages()).isEmpty();
                    assertThatThrownBy(() -> s.writeData("nss-data-test/public", "hsmc test", ascii("3:cc"), false))
                            .isInstanceOfSatisfying(DataObjectsUnsupportedException.class,
                                    e -> assertThat(e.userMessage()).contains("'hsm'").contains("no public data objects"));
                }
                t.logout();
                try (Session s = t.openSession()) {
                    assertThat(s.readAllData(label, true)).as("not visible without login").isEmpty();
                }
                t.login(store.userPin("hsm"));
                try (Session s = t.openSession()) {
                    assertThat(s.readAllData(label, true)).singleElement().isEqualTo(ascii("2:bb"));
                    s.findKeys(KeyHandle.KeyClass.SECRET, label).forEach(s::destroy);
                    assertThat(s.readAllData(label, true)).isEmpty();
                }
            } finally {
                t.logout();
            }
        }
    }
}
