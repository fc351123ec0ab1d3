package org.hsmc.testsupport;

import org.hsmc.pkcs11.softhsm.SoftHsm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A throwaway SoftHSM2 token store for one test run: a {@code softhsm2.conf} and a token directory
 * in a temp folder, with HSM tokens and card tokens.
 *
 * <p>SoftHSM sees only the tokens that exist when the module is initialised, so every token a run
 * needs is made here, before any test loads the module. One store serves every test of a JVM
 * ({@link #shared()}); tests that change a token (PIN, objects) use a token of their own. SoftHSM
 * moves each token to a random slot id, so tokens are always found by label.
 */
public final class SoftHsmStore implements TokenStore {

    /** The HSM token most tests use. */
    public static final String HSM = "hsm";
    /** A second HSM token, for tests that change the user PIN or need an empty HSM. */
    public static final String HSM_SPARE = "hsm-spare";
    /** A third HSM token, for a second console in the same test JVM (ceremony runs). */
    public static final String HSM_B = "hsm-b";
    /** A token for the node side (bundle import). */
    public static final String NODE = "node";
    /** The HSM of the disaster-recovery drill: used, wiped, and adopted again as the replacement. */
    public static final String HSM_DR = "hsm-dr";
    /** The console's HSM of the cross-implementation tests (SoftHSM2 against NSS; the NSS store has it too). */
    public static final String HSM_X = "hsm-x";
    /** The node's token of the cross-implementation tests. */
    public static final String NODE_X = "node-x";
    /** The HSM of the custody ceremonies' test, with cards 22–28. */
    public static final String HSM_CUSTODY = "hsm-custody";
    /** The HSM of the credential rollover test, with cards 29–32. */
    public static final String HSM_ROLLOVER = "hsm-rollover";
    /** Card tokens {@code card-01} … {@code card-32} (17–21: the disaster-recovery drill's; 22–32: the custody ceremonies'). */
    public static final int CARD_COUNT = 32;
    /**
     * HSM tokens {@code hsm-wf-1} … {@code hsm-wf-4} and cards {@code wf-card-01} … {@code wf-card-20} of the
     * way-forward tests (wrong PINs, resume and abort of initialize): five cards per HSM.
     */
    public static final int WAY_FORWARD_HSMS = 4;

    private static final String SO_PIN = "so-87654321";
    private static SoftHsmStore shared;

    private final Path dir;
    private final Path conf;
    private final Path module;
    private final Map<String, String> userPins;

    private SoftHsmStore(Path dir, Path conf, Path module, Map<String, String> userPins) {
        this.dir = dir;
        this.conf = conf;
        this.module = module;
        this.userPins = Collections.unmodifiableMap(userPins);
    }

    /** The store of this JVM, created on first use with every standard token. */
    public static synchronized SoftHsmStore shared() {
        if (shared == null) {
            List<String> labels = new ArrayList<>(List.of(HSM, HSM_SPARE, HSM_B, NODE, HSM_DR, HSM_X, NODE_X, HSM_CUSTODY, HSM_ROLLOVER));
            for (int i = 1; i <= CARD_COUNT; i++) {
                labels.add(cardLabel(i));
            }
            for (int i = 1; i <= WAY_FORWARD_HSMS; i++) {
                labels.add("hsm-wf-" + i);
            }
            for (int i = 1; i <= 5 * WAY_FORWARD_HSMS; i++) {
                labels.add("wf-card-%02d".formatted(i));
            }
            shared = create(labels);
        }
        return shared;
    }

    /** A new store in a fresh temp directory with tokens of the given labels. */
    public static SoftHsmStore create(List<String> labels) {
        Path module = findModule().orElseThrow(() -> new IllegalStateException(missingMessage()));
        try {
            Path dir = Files.createTempDirectory("softhsm-store-");
            Path conf = SoftHsm.createStore(dir);
            Map<String, String> pins = new LinkedHashMap<>();
            for (String label : labels) {
                pins.put(label, "pin-" + label);
                SoftHsm.initToken(conf, label, SO_PIN.toCharArray(), pins.get(label).toCharArray());
            }
            return new SoftHsmStore(dir, conf, module, pins);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the SoftHSM2 token store", e);
        }
    }

    public static String cardLabel(int i) {
        return "card-%02d".formatted(i);
    }

    /** The SoftHSM2 library on this machine, if installed. */
    public static Optional<Path> findModule() {
        return SoftHsm.findModule();
    }

    static String missingMessage() {
        return SoftHsm.missingMessage() + " bin/test installs it when it may.";
    }

    /** True when CI=true: a missing SoftHSM2 then fails the tests instead of skipping them. */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    @Override
    public String implementation() {
        return "SoftHSM2";
    }

    @Override
    public org.hsmc.pkcs11.ModuleConfig moduleConfig() {
        return org.hsmc.pkcs11.ModuleConfig.of(module, environment());
    }

    public Path module() {
        return module;
    }

    public Path config() {
        return conf;
    }

    public Path directory() {
        return dir;
    }

    /** The environment the PKCS#11 module must see: {@code SOFTHSM2_CONF}. */
    public Map<String, String> environment() {
        return SoftHsm.environment(conf);
    }

    @Override
    public List<String> labels() {
        return List.copyOf(userPins.keySet());
    }

    /** A fresh copy of the token's initial user PIN; the caller may wipe it. */
    @Override
    public char[] userPin(String label) {
        String pin = userPins.get(label);
        if (pin == null) {
            throw new IllegalArgumentException("No token labelled '" + label + "' in this store: " + labels());
        }
        return pin.toCharArray();
    }

    /** A fresh copy of the security officer PIN (the same for every token of the store). */
    @Override
    public char[] soPin() {
        return SO_PIN.toCharArray();
    }

    @Override
    public String toString() {
        return "SoftHSM2";
    }
}
