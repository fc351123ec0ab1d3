package org.hsmc.ceremony.custody;

import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.EcCurve;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.KeyPairHandles;
import org.hsmc.pkcs11.KeyPairTemplate;
import org.hsmc.pkcs11.KeyUsage;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.hsmc.testsupport.SoftHsmStore;
import org.hsmc.testsupport.TokenStore;
import org.hsmc.testsupport.TokenStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A card provisioned elsewhere (as a PIV card's key-management key is, by the vendor's tool): its EC P-256 key
 * pair is made on an NSS token outside the console's enrolment, then the card is enrolled by the key's label
 * and by its id, possession proven by a fresh ECDH; a share encrypted to it opens on the card. Keys that cannot
 * serve are refused by name.
 */
class ProvisionedCardEnrolmentTest {

    @TempDir
    Path dir;

    private static final byte[] PIV_KEY_MANAGEMENT_ID = {0x03};

    @Test
    void aCardThatAlreadyHoldsItsKeyIsEnrolledByLabelOrIdAndOpensItsShare() {
        TokenStore nss = TokenStores.nss();
        try (Pkcs11Module m = Pkcs11Module.load(nss.moduleConfig()); Store store = Store.open(dir.resolve("console.db"))) {
            Token card = m.token(SoftHsmStore.cardLabel(19));
            Token other = m.token(SoftHsmStore.cardLabel(20));
            char[] pin = nss.userPin(card.label());
            // provisioned outside the console: the vendor's tool's key, label and id as OpenSC shows a PIV slot 9D
            card.login(pin);
            try (Session s = card.openSession()) {
                s.generateEcKeyPair(EcCurve.P256, KeyPairTemplate.of("KEY MAN key", PIV_KEY_MANAGEMENT_ID, true, false,
                        KeyUsage.DERIVE, KeyUsage.SIGN));
                s.generateEcKeyPair(EcCurve.P384, KeyPairTemplate.of("SIGN key", new byte[] {0x02}, true, false, KeyUsage.SIGN));
            } finally {
                card.logout();
            }
            Custodian alice = new Custodian(UUID.randomUUID().toString(), "Alice", Role.KEY_CUSTODIAN);
            AuditLog audit = new AuditLog(store, Clock.systemUTC());

            Card byId = CardEnrolment.enrolExisting(card, alice, pin.clone(), CardKeyChoice.byId(PIV_KEY_MANAGEMENT_ID));
            assertThat(byId.keyLabel()).isEqualTo("KEY MAN key");
            assertThat(byId.serial()).isEqualTo("0000000000000000/card-19");
            store.write(c -> {
                CustodyRecords.insertCustodian(c, alice, Clock.systemUTC().instant());
                return null;
            });
            Card enrolled = CardAdministration.enrolProvisionedCard(store, audit, Clock.systemUTC(), "test", alice, card, pin.clone(),
                    CardKeyChoice.byLabel("KEY MAN key"));
            assertThat(enrolled.publicKey().getEncoded()).isEqualTo(byId.publicKey().getEncoded());
            java.util.Optional<Card> stored = store.read(c -> CustodyRecords.card(c, enrolled.serial()));
            assertThat(stored).isPresent();

            // a share encrypted to the enrolled public key opens on the card, with the key found by its label
            byte[] share = new byte[33];
            new SecureRandom().nextBytes(share);
            ShareCipher.EncryptedShare e = new ShareCipher(new SecureRandom()).encrypt(share, enrolled.publicKey(), "set-1",
                    enrolled.serial(), 1);
            card.login(pin);
            try (Session s = card.openSession()) {
                KeyHandle priv = CardEnrolment.privateKey(s, enrolled);
                byte[] opened = ShareCipher.decryptOnCard(s, priv, e, "set-1", enrolled.serial(), 1);
                assertThat(opened).isEqualTo(share);
                Arrays.fill(opened, (byte) 0);
            } finally {
                card.logout();
            }

            // refusals, by name
            assertThatThrownBy(() -> CardEnrolment.enrolExisting(card, alice, pin.clone(), CardKeyChoice.byLabel("SIGN key")))
                    .isInstanceOf(CustodyException.class).hasMessageContaining("must be an EC P-256 token key that may derive");
            assertThatThrownBy(() -> CardEnrolment.enrolExisting(other, alice, nss.userPin(other.label()),
                    CardKeyChoice.byLabel("KEY MAN key")))
                    .isInstanceOf(CustodyException.class).hasMessageContaining("holds no private key with label 'KEY MAN key'")
                    .hasMessageContaining("slot 9D");
            assertThatThrownBy(() -> CardAdministration.enrolProvisionedCard(store, audit, Clock.systemUTC(), "test", alice, card,
                    pin.clone(), CardKeyChoice.byLabel("KEY MAN key")))
                    .isInstanceOf(CustodyException.class).hasMessageContaining("already enrolled");
            Arrays.fill(pin, '\0');
        }
    }
}
