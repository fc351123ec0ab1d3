package org.hsmc.pkcs11;

import org.xipki.pkcs11.wrapper.ModuleInfo;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Slot;
import org.xipki.pkcs11.wrapper.SlotInfo;
import org.xipki.pkcs11.wrapper.TokenException;
import org.xipki.pkcs11.wrapper.TokenInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A PKCS#11 library, loaded and initialised once per process and path (the JDK keeps one native
 * instance per library path, and C_Initialize may run once), and the tokens it offers.
 *
 * <p>{@link #close()} closes every session this object opened; the library itself stays
 * initialised until the JVM exits, and a later {@link #load} of the same path returns a working
 * module again.
 */
public final class Pkcs11Module implements AutoCloseable {

    private static final Map<Path, Loaded> LOADED = new HashMap<>();

    private record Loaded(PKCS11Module module, NativeCalls nativeCalls, Map<String, String> environment,
                          Optional<String> initArgs) {
    }

    private final Path path;
    private final PKCS11Module module;
    private final NativeCalls nativeCalls;
    private final java.util.Properties siteQuirks;
    private final Map<Long, Token> tokens = new LinkedHashMap<>();
    private boolean closed;

    private Pkcs11Module(Path path, Loaded loaded, java.util.Properties siteQuirks) {
        this.path = path;
        this.module = loaded.module();
        this.nativeCalls = loaded.nativeCalls();
        this.siteQuirks = siteQuirks;
    }

    /** Loads the library at {@code path}. */
    public static Pkcs11Module load(Path path) {
        return load(path, Map.of());
    }

    /**
     * Loads the library at {@code path}, first setting {@code environment} for it (SoftHSM2 reads
     * {@code SOFTHSM2_CONF} when it is initialised). A library already loaded in this process must
     * be asked for with the same environment.
     */
    public static Pkcs11Module load(Path path, Map<String, String> environment) {
        return load(ModuleConfig.of(path, environment));
    }

    /**
     * Loads the library {@code config} names: sets its environment, then initialises it with its
     * initialisation arguments when it has some (NSS's softokn), else as the standard does. A library
     * already loaded in this process must be asked for with the same initialisation arguments, and no
     * variable it was loaded with may now have another value.
     */
    public static synchronized Pkcs11Module load(ModuleConfig config) {
        Path real = config.path().toAbsolutePath().normalize();
        Map<String, String> environment = config.environment();
        java.util.Properties siteQuirks = VendorQuirks.readSiteFile(config.quirksFile());
        Loaded loaded = LOADED.get(real);
        if (loaded != null) {
            Map<String, String> before = loaded.environment();
            boolean sameEnvironment = environment.entrySet().stream().allMatch(e ->
                    !before.containsKey(e.getKey()) || before.get(e.getKey()).equals(e.getValue()));
            if (!sameEnvironment || !loaded.initArgs().equals(config.initArgs())) {
                throw new ModuleLoadException("The PKCS#11 library " + real + " is already loaded in this process with"
                        + " another environment or other initialisation arguments; restart the console to switch.", null);
            }
            return new Pkcs11Module(real, loaded, siteQuirks);
        }
        if (!Files.isRegularFile(real)) {
            throw new ModuleLoadException("There is no PKCS#11 library at " + real
                    + ". Check the module path in the site profile (for SoftHSM2 it is usually"
                    + " /usr/lib/softhsm/libsofthsm2.so; for NSS, /usr/lib/x86_64-linux-gnu/libsoftokn3.so;"
                    + " for an HSM, the path its vendor documents).", null);
        }
        environment.forEach(NativeCalls::setProcessEnvironment);
        if (config.initArgs().isPresent()) {
            long rv;
            try {
                rv = NativeCalls.initialize(real, config.initArgs().get());
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                throw new ModuleLoadException("The file " + real + " could not be loaded as a PKCS#11 library ("
                        + e.getClass().getSimpleName() + "). Check that the path names the vendor's PKCS#11 library"
                        + " for this operating system and processor.", e);
            }
            if (rv != Ckr.OK && rv != Ckr.CRYPTOKI_ALREADY_INITIALIZED) {
                throw new ModuleLoadException("The PKCS#11 library " + real + " refused its initialisation arguments ("
                        + Ckr.name(rv) + "). Check the module's init_args in the site profile: for NSS they are"
                        + " configdir='sql:DIR' certPrefix='' keyPrefix='' secmod='secmod.db' flags= , and DIR must hold a"
                        + " database made with 'certutil -N -d sql:DIR --empty-password'.", null);
            }
        }
        PKCS11Module module;
        try {
            module = PKCS11Module.getInstance(real.toString());
        } catch (Exception | UnsatisfiedLinkError e) {
            throw new ModuleLoadException("The file " + real + " could not be loaded as a PKCS#11 library ("
                    + e.getClass().getSimpleName() + "). Check that the path names the vendor's PKCS#11 library"
                    + " for this operating system and processor.", e);
        }
        try {
            module.initialize();
        } catch (PKCS11Exception e) {
            if (e.getErrorCode() != Ckr.CRYPTOKI_ALREADY_INITIALIZED) {
                throw new ModuleLoadException("The PKCS#11 library " + real + " refused to start (" + Ckr.name(e.getErrorCode())
                        + "). Check its configuration file, its initialisation arguments (init_args in the site profile;"
                        + " NSS needs them) and that the HSM is reachable.", e);
            }
        } catch (TokenException e) {
            // not a CKR from C_Initialize: the file could not be loaded or has no PKCS#11 entry points
            throw new ModuleLoadException("The file " + real + " could not be loaded as a PKCS#11 library. Check that"
                    + " the path names the vendor's PKCS#11 library for this operating system and processor.", e);
        }
        NativeCalls nativeCalls = NativeCalls.load(real);
        loaded = new Loaded(module, nativeCalls, Map.copyOf(environment), config.initArgs());
        LOADED.put(real, loaded);
        return new Pkcs11Module(real, loaded, siteQuirks);
    }

    public Path path() {
        return path;
    }

    /** The library's CK_INFO. */
    public ModuleDescription description() {
        ensureOpen();
        try {
            CallingThreadPolicy.check("C_GetInfo");
            ModuleInfo i = module.getInfo();
            return new ModuleDescription(path, i.getManufacturerID().trim(), i.getLibraryDescription().trim(),
                    i.getLibraryVersion().toString(), i.getCryptokiVersion().toString());
        } catch (PKCS11Exception e) {
            throw Ckr.toException("C_GetInfo", e.getErrorCode(), path.getFileName().toString(), "module information", null);
        }
    }

    /** Every slot, with its token when one is present. */
    public List<SlotDescription> slots() {
        ensureOpen();
        CallingThreadPolicy.check("C_GetSlotList");
        List<SlotDescription> out = new ArrayList<>();
        try {
            for (Slot slot : module.getSlotList(false)) {
                SlotInfo si = slot.getSlotInfo();
                Optional<TokenDescription> token = Optional.empty();
                if (si.isTokenPresent()) {
                    TokenInfo ti = slot.getToken().getTokenInfo();
                    token = Optional.of(describe(slot.getSlotID(), ti,
                            VendorQuirks.forToken(ti.getManufacturerID(), ti.getModel(), siteQuirks)));
                }
                out.add(new SlotDescription(slot.getSlotID(), si.getSlotDescription().trim(),
                        si.getManufacturerID().trim(), si.isRemovableDevice(), token));
            }
        } catch (PKCS11Exception e) {
            throw Ckr.toException("C_GetSlotList", e.getErrorCode(), path.getFileName().toString(), "the slot list", null);
        }
        return out;
    }

    /** The labels of the tokens present now. */
    public List<String> tokenLabels() {
        return slots().stream().flatMap(s -> s.token().stream()).map(TokenDescription::label).toList();
    }

    /**
     * The token with this label. Tokens are always found by label, never by slot id (SoftHSM and
     * many readers number slots at random). When no token has the label, a slot whose description is
     * exactly {@code label} is taken (some modules name their usable slot better than its token).
     */
    public synchronized Token token(String label) {
        ensureOpen();
        CallingThreadPolicy.check("C_GetSlotList");
        List<String> seen = new ArrayList<>();
        try {
            Slot[] present = module.getSlotList(true);
            Slot bySlotDescription = null;
            for (Slot slot : present) {
                if (slot.getSlotInfo().getSlotDescription().trim().equals(label)) {
                    bySlotDescription = slot;
                }
            }
            for (Slot slot : present) {
                String l = slot.getToken().getTokenInfo().getLabel().trim();
                seen.add(l);
                boolean byLabel = l.equals(label);
                if (byLabel || (slot == bySlotDescription && java.util.Arrays.stream(present).noneMatch(p -> labelOf(p).equals(label)))) {
                    Token existing = tokens.get(slot.getSlotID());
                    if (existing != null && !existing.isClosed()) {
                        return existing;
                    }
                    Token token = new Token(this, slot, label, nativeCalls, siteQuirks);
                    tokens.put(slot.getSlotID(), token);
                    return token;
                }
            }
        } catch (PKCS11Exception e) {
            throw Ckr.toException("C_GetSlotList", e.getErrorCode(), label, "the slot list", null);
        }
        throw new TokenNotFoundException("No token labelled '" + label + "' is present in " + path.getFileName()
                + (seen.isEmpty() ? " (no token is present at all: check the card is inserted, the HSM is connected,"
                + " and the module's init_args when it needs some)"
                : "; the tokens present are " + seen) + ". Check the token label in the site profile (a token's label, or"
                + " its slot's description), or insert the right card.");
    }

    /**
     * C_InitToken on the slot whose token has this label (or whose description is it): wipes the token
     * and everything on it, and sets the SO PIN when the token had none. Only for a token no session
     * of this process has open (rehearsal stores, tests, a token being decommissioned). The caller
     * wipes {@code soPin}.
     */
    public synchronized void initToken(String labelOrSlotDescription, char[] soPin, String newLabel) {
        ensureOpen();
        CallingThreadPolicy.check("C_InitToken");
        long slotId = -1;
        try {
            for (Slot slot : module.getSlotList(true)) {
                if (labelOf(slot).equals(labelOrSlotDescription)
                        || slot.getSlotInfo().getSlotDescription().trim().equals(labelOrSlotDescription)) {
                    slotId = slot.getSlotID();
                    break;
                }
            }
        } catch (PKCS11Exception e) {
            throw Ckr.toException("C_GetSlotList", e.getErrorCode(), labelOrSlotDescription, "the slot list", null);
        }
        if (slotId < 0) {
            throw new TokenNotFoundException("No token labelled '" + labelOrSlotDescription + "' is present in "
                    + path.getFileName() + "; the tokens present are " + tokenLabels() + ".");
        }
        Token open = tokens.remove(slotId);
        if (open != null) {
            open.close();
        }
        long ckr = nativeCalls.initToken(slotId, soPin, newLabel);
        if (ckr != Ckr.OK) {
            throw Ckr.toException("C_InitToken", ckr, labelOrSlotDescription, "initialising the token", null);
        }
    }

    private static String labelOf(Slot slot) {
        try {
            return slot.getToken().getTokenInfo().getLabel().trim();
        } catch (PKCS11Exception e) {
            return "";
        }
    }

    /**
     * The token's CK_TOKEN_INFO, trimmed. Where the vendor quirks say the token's serial number is not
     * unique (NSS gives every token 0000000000000000), the serial is qualified with the label, so that a
     * card is still told apart from another.
     */
    static TokenDescription describe(long slotId, TokenInfo ti, VendorQuirks quirks) {
        long f = ti.getFlags();
        String serial = ti.getSerialNumber().trim();
        if (quirks.serialNotUnique()) {
            serial = serial + "/" + ti.getLabel().trim();
        }
        return new TokenDescription(slotId, ti.getLabel().trim(), ti.getManufacturerID().trim(), ti.getModel().trim(),
                serial, (f & 0x400) != 0, (f & 0x4) != 0, (f & 0x8) != 0,
                (f & 0x10000) != 0, (f & 0x20000) != 0, (f & 0x40000) != 0, (f & 0x400000) != 0,
                ti.getMinPinLen(), ti.getMaxPinLen());
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("This PKCS#11 module object was closed");
        }
    }

    /** Closes every session opened through this object. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            tokens.values().forEach(Token::close);
            tokens.clear();
        }
    }
}
