package org.hsmc.pkcs11;

import org.hsmc.testsupport.RequiresSoftHsm;
import org.hsmc.testsupport.SoftHsmStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Token data objects (CKO_DATA): written, replaced in place, and a private one seen only while logged in. */
@RequiresSoftHsm
class DataObjectTest extends DriverTestBase {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPrivateDataObjectIsReplacedInPlaceAndHiddenWithoutLogin() {
        Pkcs11Module module = module();
        Token t = loggedIn(module, SoftHsmStore.HSM_SPARE);
        String label = "data-test/private";
        try (Session s = t.openSession()) {
            assertThat(s.readData(label, true)).isEmpty();
            s.writeData(label, "hsmc test", utf8("1:aa"), true);
            s.writeData(label, "hsmc test", utf8("2:bb"), true);
            assertThat(s.readData(label, true)).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("2:bb")));
            // a public object of the same label is another object
            assertThat(s.readData(label, false)).isEmpty();
        }
        t.logout();
        try (Session s = t.openSession()) {
            assertThat(s.readData(label, true)).as("a private object is not visible without login").isEmpty();
        }
        t = loggedIn(module, SoftHsmStore.HSM_SPARE);
        try (Session s = t.openSession()) {
            assertThat(s.readData(label, true)).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("2:bb")));
            s.destroy(s.findDataHandles(label, true).get(0));
            assertThat(s.readData(label, true)).isEmpty();
        } finally {
            t.logout(); // the token's login is the process's: leave it as the other tests expect it
        }
        t.logout(); // leave the shared token as other tests expect it
    }

    @Test
    void aPublicDataObjectIsReadWithoutLogin() {
        Pkcs11Module module = module();
        Token t = loggedIn(module, SoftHsmStore.HSM_SPARE);
        String label = "data-test/public";
        try (Session s = t.openSession()) {
            s.writeData(label, "hsmc test", utf8("7:cc"), false);
        }
        t.logout();
        try (Session s = t.openSession()) {
            assertThat(s.readData(label, false)).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("7:cc")));
        }
        t = loggedIn(module, SoftHsmStore.HSM_SPARE);
        try (Session s = t.openSession()) {
            for (KeyHandle h : s.findDataHandles(label, false)) {
                s.destroy(h);
            }
            assertThat(s.readData(label, false)).isEmpty();
        } finally {
            t.logout();
        }
        t.logout();
    }
}
