package org.hsmc.pkcs11;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.hsmc.testsupport.SoftHsmStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The call trace (and what it never contains), the calling-thread policy, and the session pool under threads. */
@RequiresSoftHsm
class TraceAndThreadsTest extends DriverTestBase {

    private static Pkcs11Module module;

    @BeforeAll
    static void open() {
        module = module();
    }

    @AfterAll
    static void close() {
        module.close();
    }

    @Test
    void everyCallIsTracedAndNoPinOrKeyByteEverIs(SoftHsmStore store) {
        Logger trace = (Logger) LoggerFactory.getLogger("org.hsmc.pkcs11.trace");
        Level before = trace.getLevel();
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        trace.addAppender(events);
        trace.setLevel(Level.DEBUG);
        byte[] keyValue = HexFormat.of().parseHex("00112233445566778899aabbccddeeff0123456789abcdef0011223344556677");
        String pin = new String(store.userPin(SoftHsmStore.cardLabel(2)));
        Token card = module.token(SoftHsmStore.cardLabel(2));
        try {
            assertThatThrownBy(() -> card.login("wrong-pin-998877".toCharArray())).isInstanceOf(PinIncorrectException.class);
            card.login(pin.toCharArray());
            try (Session s = card.openSession()) {
                KeyHandle k = s.createSecretKey(KeyTemplate.aes(32).token(false).sensitive(true).extractable(true)
                        .usages(KeyUsage.SIGN).build(), keyValue.clone());
                KeyHandle kek = s.generateSecretKey(KeyTemplate.aes(32).token(false).sensitive(true).extractable(false)
                        .usages(KeyUsage.WRAP, KeyUsage.UNWRAP).build());
                byte[] wrapped = s.wrap(WrapMechanism.AES_KWP, kek, k);
                s.kcv(k);
                card.setPin(pin.toCharArray(), "new-pin-554433".toCharArray());
                card.setPin("new-pin-554433".toCharArray(), pin.toCharArray());

                List<String> lines = new ArrayList<>();
                for (ILoggingEvent e : events.list) {
                    lines.add(e.getFormattedMessage());
                }
                String all = String.join("\n", lines);
                assertThat(all).contains("C_Login", "C_CreateObject", "C_GenerateKey", "C_WrapKey", "C_Sign", "C_SetPIN",
                        "CKR_PIN_INCORRECT", "card-02");
                String hexKey = HexFormat.of().formatHex(keyValue);
                assertThat(all.toLowerCase()).doesNotContain(pin.toLowerCase(), "wrong-pin-998877", "new-pin-554433",
                        hexKey, hexKey.substring(0, 16), HexFormat.of().formatHex(wrapped));
            }
        } finally {
            card.logout();
            trace.detachAppender(events);
            trace.setLevel(before);
        }
    }

    @Test
    void aForbiddenThreadCannotCallTheToken() {
        Token t = module.token(SoftHsmStore.HSM);
        String me = Thread.currentThread().getName();
        CallingThreadPolicy.forbid(th -> th.getName().equals(me));
        try {
            assertThatThrownBy(t::description)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("C_GetTokenInfo was called on thread '" + me + "'")
                    .hasMessageContaining("background task");
            assertThatThrownBy(module::slots).isInstanceOf(IllegalStateException.class);
        } finally {
            CallingThreadPolicy.allowAll();
        }
        assertThat(t.description().label()).isEqualTo(SoftHsmStore.HSM);
    }

    @Test
    void manyThreadsShareOneTokenThroughThePool() throws Exception {
        Token hsm = loggedIn(module, SoftHsmStore.HSM);
        KeyHandle lmk;
        KeyHandle zmk;
        byte[] stored;
        Kcv kcv;
        KeyTemplate kek = KeyTemplate.aes(32).token(false).sensitive(true).extractable(false).usages(KeyUsage.WRAP, KeyUsage.UNWRAP).build();
        KeyTemplate wk = KeyTemplate.aes(32).token(false).sensitive(true).extractable(true).usages(KeyUsage.SIGN).build();
        try (Session s = hsm.openSession()) {
            lmk = s.generateSecretKey(kek);
            zmk = s.generateSecretKey(kek);
            KeyHandle key = s.generateSecretKey(wk);
            kcv = s.kcv(key);
            stored = s.wrap(WrapMechanism.AES_KWP, lmk, key);
        }
        Set<Long> sessionHandles = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<List<byte[]>>> results = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                results.add(pool.submit(() -> {
                    List<byte[]> out = Collections.synchronizedList(new ArrayList<>());
                    for (int i = 0; i < 200; i++) {
                        try (Session s = hsm.openSession()) {
                            sessionHandles.add(s.handle());
                            out.add(s.translate(lmk, stored, SecretKeyType.AES, WrapMechanism.AES_KWP, zmk));
                        }
                    }
                    return out;
                }));
            }
            try (Session s = hsm.openSession()) {
                for (Future<List<byte[]>> f : results) {
                    List<byte[]> wraps = f.get();
                    assertThat(wraps).hasSize(200);
                    // every translation is a correct RFC 5649 wrap of the same key
                    assertThat(s.kcv(s.unwrap(WrapMechanism.AES_KWP, zmk, wraps.get(0), wk))).isEqualTo(kcv);
                    assertThat(s.kcv(s.unwrap(WrapMechanism.AES_KWP, zmk, wraps.get(199), wk))).isEqualTo(kcv);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sessionHandles).hasSizeBetween(2, 16);
        hsm.logout();
    }
}
