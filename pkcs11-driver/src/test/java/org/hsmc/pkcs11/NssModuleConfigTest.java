package org.hsmc.pkcs11;

import org.hsmc.pkcs11.nss.Nss;
import org.hsmc.testsupport.NssStore;
import org.hsmc.testsupport.RequiresNss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * NSS's softokn as configured by a site: initialisation arguments (a wrong one is named), its one
 * token "NSS Certificate DB" found by label or by its slot's description, and an unknown label named
 * with the labels present. A copy of the library under another path gives a second, uninitialised
 * instance in this JVM (the shared store's instance keeps its own arguments).
 */
@RequiresNss
class NssModuleConfigTest {

    @Test
    void wrongInitArgsAreNamedThenTheRightOnesLoadTheCertificateDbToken(@TempDir Path dir) throws Exception {
        Path lib = NssStore.findModule().orElseThrow();
        Path copy = dir.resolve("libsoftokn3.so");
        Files.copy(lib, copy, StandardCopyOption.REPLACE_EXISTING);
        Path freebl = lib.resolveSibling("libfreeblpriv3.so");
        if (Files.exists(freebl)) {
            Files.copy(freebl, dir.resolve("libfreeblpriv3.so"), StandardCopyOption.REPLACE_EXISTING);
        }
        assertThatThrownBy(() -> Pkcs11Module.load(new ModuleConfig(copy, Map.of(),
                Optional.of("configdir='sql:" + dir.resolve("missing") + "' flags=readOnly"), Optional.empty())))
                .isInstanceOfSatisfying(ModuleLoadException.class, e -> assertThat(e.userMessage())
                        .contains("refused its initialisation arguments").contains("init_args").contains("certutil -N"));

        Path db = Files.createDirectories(dir.resolve("db"));
        try (Pkcs11Module m = Pkcs11Module.load(new ModuleConfig(copy, Map.of(), Optional.of(Nss.initArgs(db)), Optional.empty()))) {
            assertThat(m.tokenLabels()).contains(Nss.CERTIFICATE_DB);
            m.initToken(Nss.CERTIFICATE_DB, new char[0], "ignored by NSS");
            Token t = m.token(Nss.CERTIFICATE_DB);
            t.initUserPin(new char[0], "pin-nss-db".toCharArray());
            String slotDescription = m.slots().stream().filter(s -> s.token().map(d -> d.label().equals(Nss.CERTIFICATE_DB)).orElse(false))
                    .findFirst().orElseThrow().description();
            assertThat(m.token(slotDescription).slotId()).as("by slot description").isEqualTo(t.slotId());
            assertThat(t.rfc5649Mechanism()).isEqualTo(Mech.AES_KEY_WRAP_KWP);
            assertThatThrownBy(() -> m.token("no-such-token")).isInstanceOfSatisfying(TokenNotFoundException.class,
                    e -> assertThat(e.userMessage()).contains("'no-such-token'").contains(Nss.CERTIFICATE_DB).contains("site profile"));
        }
    }

    @Test
    void theSharedStoreHasEveryLabelAndTheNssVendor(NssStore store) {
        try (Pkcs11Module m = Pkcs11Module.load(store.moduleConfig())) {
            assertThat(m.tokenLabels()).containsAll(store.labels());
            Token t = m.token("hsm");
            assertThat(t.description().manufacturer()).isEqualTo("Mozilla Foundation");
            assertThat(t.quirks().kwpVendorMechanisms()).containsExactly(Mech.NSS_AES_KEY_WRAP_PAD);
        }
    }
}
