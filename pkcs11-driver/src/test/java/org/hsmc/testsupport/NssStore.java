package org.hsmc.testsupport;

import org.hsmc.pkcs11.ModuleConfig;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.nss.Nss;

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
 * A throwaway NSS softokn token store for one test JVM: one database folder per token (NSS keeps one
 * token per database), all in one library through NSS's {@code tokens=} initialisation argument, with
 * the same labels as {@link SoftHsmStore}. NSS reads its arguments once per process, so the store is
 * made once ({@link #shared()}) with every token, each initialised (C_InitToken with NSS's empty SO PIN,
 * then C_InitPIN with the user PIN {@code pin-LABEL}).
 */
public final class NssStore implements TokenStore {

    private static NssStore shared;

    private final Path dir;
    private final ModuleConfig config;
    private final Map<String, String> userPins;

    private NssStore(Path dir, ModuleConfig config, Map<String, String> userPins) {
        this.dir = dir;
        this.config = config;
        this.userPins = Collections.unmodifiableMap(userPins);
    }

    /** The store of this JVM, made on first use with every standard token. */
    public static synchronized NssStore shared() {
        if (shared == null) {
            List<String> labels = new ArrayList<>(List.of(SoftHsmStore.HSM, SoftHsmStore.HSM_SPARE, SoftHsmStore.HSM_B,
                    SoftHsmStore.NODE, SoftHsmStore.HSM_DR, SoftHsmStore.HSM_X, SoftHsmStore.NODE_X));
            for (int i = 1; i <= SoftHsmStore.CARD_COUNT; i++) {
                labels.add(SoftHsmStore.cardLabel(i));
            }
            shared = create(labels);
        }
        return shared;
    }

    private static NssStore create(List<String> labels) {
        Path module = findModule().orElseThrow(() -> new IllegalStateException(missingMessage()));
        try {
            Path dir = Files.createTempDirectory("nss-store-");
            Path main = Files.createDirectories(dir.resolve("main"));
            Map<String, Path> dirs = new LinkedHashMap<>();
            Map<String, String> pins = new LinkedHashMap<>();
            for (String label : labels) {
                dirs.put(label, Files.createDirectories(dir.resolve(label)));
                pins.put(label, "pin-" + label);
            }
            ModuleConfig config = new ModuleConfig(module, Map.of(), Optional.of(Nss.initArgs(main, dirs)), Optional.empty());
            try (Pkcs11Module m = Pkcs11Module.load(config)) {
                for (String label : labels) {
                    m.initToken(label, new char[0], label);
                    m.token(label).initUserPin(new char[0], pins.get(label).toCharArray());
                }
            }
            return new NssStore(dir, config, pins);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the NSS token store", e);
        }
    }

    public static Optional<Path> findModule() {
        return Nss.findModule();
    }

    static String missingMessage() {
        return Nss.missingMessage() + " bin/test installs it when it may.";
    }

    @Override
    public String implementation() {
        return "NSS";
    }

    @Override
    public ModuleConfig moduleConfig() {
        return config;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public List<String> labels() {
        return List.copyOf(userPins.keySet());
    }

    @Override
    public char[] userPin(String label) {
        String pin = userPins.get(label);
        if (pin == null) {
            throw new IllegalArgumentException("No token labelled '" + label + "' in this store: " + labels());
        }
        return pin.toCharArray();
    }

    @Override
    public char[] soPin() {
        return new char[0];
    }

    @Override
    public String toString() {
        return "NSS";
    }
}
