package org.hsmc.pkcs11;

import org.hsmc.testsupport.RequiresSoftHsm;
import org.hsmc.testsupport.SoftHsmStore;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RequiresSoftHsm
class ModuleAndTokenTest extends DriverTestBase {

    @Test
    void loadsTheModuleAndDescribesIt(SoftHsmStore store) {
        try (Pkcs11Module m = module()) {
            ModuleDescription d = m.description();
            assertThat(d.manufacturer()).isEqualTo("SoftHSM");
            assertThat(d.cryptokiVersion()).startsWith("2.");
            assertThat(d.path()).isEqualTo(store.module().toAbsolutePath().normalize());
        }
    }

    @Test
    void listsSlotsWithEveryTokenOfTheStore(SoftHsmStore store) {
        try (Pkcs11Module m = module()) {
            List<SlotDescription> slots = m.slots();
            assertThat(m.tokenLabels()).containsAll(store.labels());
            // SoftHSM keeps one free slot with an uninitialised token
            assertThat(slots).anySatisfy(s -> assertThat(s.token()).hasValueSatisfying(t -> assertThat(t.initialized()).isFalse()));
            TokenDescription hsm = m.token(SoftHsmStore.HSM).description();
            assertThat(hsm.label()).isEqualTo(SoftHsmStore.HSM);
            assertThat(hsm.initialized()).isTrue();
            assertThat(hsm.userPinInitialized()).isTrue();
            assertThat(hsm.loginRequired()).isTrue();
            assertThat(hsm.serialNumber()).isNotBlank();
            assertThat(hsm.minPinLength()).isPositive();
            assertThat(hsm.maxPinLength()).isGreaterThanOrEqualTo(64);
        }
    }

    @Test
    void findsTokensByLabelAndReturnsTheSameTokenObject() {
        try (Pkcs11Module m = module()) {
            Token a = m.token(SoftHsmStore.cardLabel(1));
            Token b = m.token(SoftHsmStore.cardLabel(1));
            assertThat(a).isSameAs(b);
            assertThat(a.slotId()).isNotEqualTo(m.token(SoftHsmStore.cardLabel(2)).slotId());
        }
    }

    @Test
    void anUnknownLabelNamesTheTokensThatArePresent() {
        try (Pkcs11Module m = module()) {
            assertThatThrownBy(() -> m.token("no-such-card"))
                    .isInstanceOf(TokenNotFoundException.class)
                    .satisfies(e -> assertThat(((Pkcs11Exception) e).userMessage())
                            .contains("No token labelled 'no-such-card'")
                            .contains(SoftHsmStore.HSM)
                            .contains("insert the right card"));
        }
    }

    @Test
    void noModuleAtThePathSaysWhereToLook() {
        assertThatThrownBy(() -> Pkcs11Module.load(Path.of("/nonexistent/libvendor-pkcs11.so")))
                .isInstanceOf(ModuleLoadException.class)
                .satisfies(e -> assertThat(((Pkcs11Exception) e).userMessage())
                        .contains("There is no PKCS#11 library at /nonexistent/libvendor-pkcs11.so")
                        .contains("site profile"));
    }

    @Test
    void aFileThatIsNotALibraryIsRefused() throws Exception {
        Path notALibrary = Files.createTempFile("not-a-library", ".so");
        Files.writeString(notALibrary, "this is not a shared object");
        assertThatThrownBy(() -> Pkcs11Module.load(notALibrary))
                .isInstanceOf(ModuleLoadException.class)
                .satisfies(e -> assertThat(((Pkcs11Exception) e).userMessage())
                        .contains("could not be loaded as a PKCS#11 library"));
    }

    @Test
    void aLoadedModuleCannotBeReloadedWithAnotherEnvironment(SoftHsmStore store) {
        module().close();
        assertThatThrownBy(() -> Pkcs11Module.load(store.module(), Map.of("SOFTHSM2_CONF", "/elsewhere.conf")))
                .isInstanceOfSatisfying(ModuleLoadException.class, e -> assertThat(e.userMessage()).contains("restart the console"));
        assertThatThrownBy(() -> Pkcs11Module.load(store.moduleConfig().withInitArgs("configdir='sql:/elsewhere'")))
                .isInstanceOfSatisfying(ModuleLoadException.class, e -> assertThat(e.userMessage())
                        .contains("other initialisation arguments").contains("restart the console"));
    }

    @Test
    void theCapabilityProbeSeesWhatSoftHsmOffersAndLacks() {
        try (Pkcs11Module m = module()) {
            Capabilities c = m.token(SoftHsmStore.HSM).capabilities();
            assertThat(c.aesKeyGen()).isTrue();
            assertThat(c.aesKeyWrapPad()).isTrue();
            assertThat(c.aesCmac()).isTrue();
            assertThat(c.ecKeyPairGen()).isTrue();
            assertThat(c.ecdsa()).isTrue();
            assertThat(c.ecdh()).isTrue();
            assertThat(c.rsaKeyPairGen()).isTrue();
            assertThat(c.rsaOaep()).isTrue();
            assertThat(c.genericSecretKeyGen()).isTrue();
            // SoftHSM 2.6 lacks the combined mechanism; the driver falls back to hashing in Java
            assertThat(c.ecdsaCombined(EcdsaHash.SHA384)).isFalse();
            assertThat(c.missingForHsm()).isEmpty();
            assertThat(c.missingForCard()).isEmpty();
            assertThat(m.token(SoftHsmStore.HSM).missingForHsm()).isEmpty();
            assertThat(new Capabilities(java.util.Set.of(Mech.AES_KEY_GEN)).missingForHsm())
                    .contains("CKM_ECDSA", "CKM_AES_CMAC");
        }
    }

    @Test
    void aClosedModuleRefusesWork() {
        Pkcs11Module m = module();
        Token t = m.token(SoftHsmStore.cardLabel(3));
        m.close();
        assertThatThrownBy(m::slots).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(t::openSession).isInstanceOf(IllegalStateException.class).hasMessageContaining("was closed");
    }
}
