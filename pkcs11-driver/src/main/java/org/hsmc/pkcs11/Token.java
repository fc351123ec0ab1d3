package org.hsmc.pkcs11;

import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Slot;
import org.xipki.pkcs11.wrapper.TokenInfo;

import java.util.HashSet;
import java.util.Set;

/**
 * One token (an HSM partition or a card), found by label. Login state belongs to the token: after
 * {@link #login}, every session of it acts as the user, until {@link #logout}.
 *
 * <p>Thread-safe: sessions come from a per-token pool ({@link #openSession()}).
 */
public final class Token implements AutoCloseable {

    private final Pkcs11Module module;
    private final Slot slot;
    private final String label;
    private final NativeCalls nativeCalls;
    private final CallGate gate;
    private final SessionPool pool;
    private volatile Capabilities capabilities;
    private final VendorQuirks quirks;
    private volatile boolean nativeTranslation = true;
    private volatile boolean closed;

    private volatile Rfc5649Probe wrapProbe;

    Token(Pkcs11Module module, Slot slot, String label, NativeCalls nativeCalls) {
        this(module, slot, label, nativeCalls, new java.util.Properties());
    }

    Token(Pkcs11Module module, Slot slot, String label, NativeCalls nativeCalls, java.util.Properties siteQuirks) {
        this.module = module;
        this.slot = slot;
        this.label = label;
        this.nativeCalls = nativeCalls;
        this.gate = new CallGate(label, this::pinState);
        org.xipki.pkcs11.wrapper.Token t;
        TokenInfo info;
        try {
            t = slot.getToken();
            info = t.getTokenInfo();
        } catch (PKCS11Exception e) {
            throw gate.failed("C_GetTokenInfo", "token information", e.getErrorCode(), e);
        }
        this.quirks = VendorQuirks.forToken(info.getManufacturerID(), info.getModel(), siteQuirks);
        long maxRw = info.getMaxRwSessionCount();
        // CK_EFFECTIVELY_INFINITE (0) and CK_UNAVAILABLE_INFORMATION (~0) both mean "no stated limit"
        int max = (maxRw <= 0 || maxRw > 16) ? 16 : (int) maxRw;
        this.pool = new SessionPool(t, gate, max);
    }

    public String label() {
        return label;
    }

    public long slotId() {
        return slot.getSlotID();
    }

    public Pkcs11Module module() {
        return module;
    }

    /** The token's CK_TOKEN_INFO, read now. */
    public TokenDescription description() {
        TokenInfo info = gate.call("C_GetTokenInfo", "", () -> slot.getToken().getTokenInfo());
        return Pkcs11Module.describe(slot.getSlotID(), info, quirks);
    }

    /** The token's firmware version (CK_TOKEN_INFO.firmwareVersion), e.g. {@code 2.6}, read now. */
    public String firmwareVersion() {
        return gate.call("C_GetTokenInfo", "", () -> slot.getToken().getTokenInfo().getFirmwareVersion().toString());
    }

    /** The token's hardware version (CK_TOKEN_INFO.hardwareVersion), e.g. {@code 2.6}, read now. */
    public String hardwareVersion() {
        return gate.call("C_GetTokenInfo", "", () -> slot.getToken().getTokenInfo().getHardwareVersion().toString());
    }

    /** The mechanisms the token offers, read now. */
    public Set<Long> mechanisms() {
        long[] list = gate.call("C_GetMechanismList", "", () -> slot.getToken().getMechanismList());
        Set<Long> out = new HashSet<>();
        for (long m : list) {
            out.add(m);
        }
        return out;
    }

    /**
     * The capability probe: what this token can do, read once and kept. Mechanisms the vendor
     * quirks exclude for this token are left out.
     */
    public Capabilities capabilities() {
        Capabilities c = capabilities;
        if (c == null) {
            Set<Long> m = mechanisms();
            m.removeAll(quirks.excludedMechanisms());
            c = new Capabilities(m);
            capabilities = c;
        }
        return c;
    }

    /**
     * Which mechanism gives RFC 5649 on this token, found once by what it does ({@link Rfc5649Probe};
     * session objects only). An answer spoiled by an error (for example a token that makes no object
     * before login) is not kept, so the next call tries again.
     */
    public Rfc5649Probe rfc5649() {
        Rfc5649Probe p = wrapProbe;
        if (p == null) {
            synchronized (this) {
                p = wrapProbe;
                if (p == null) {
                    p = Rfc5649Probe.run(this);
                    if (p.decisive()) {
                        wrapProbe = p;
                    }
                }
            }
        }
        return p;
    }

    /**
     * The mechanism that gives RFC 5649 here: the one every wrap, unwrap and translation of stored
     * keys and bundles uses. Refuses a token that has none, naming what each candidate did.
     */
    public long rfc5649Mechanism() {
        Rfc5649Probe p = rfc5649();
        return p.mechanism().orElseThrow(() -> new MechanismNotSupportedException("RFC 5649", Pkcs11Exception.NO_CKR,
                noRfc5649(p)));
    }

    private String noRfc5649(Rfc5649Probe p) {
        return "The token '" + label + "' offers no mechanism that gives RFC 5649 AES key wrap with padding, which"
                + " stored keys, bundles and node import need (" + p.summary() + "). Use a token that offers"
                + " CKM_AES_KEY_WRAP_KWP (0x210B), or add its vendor's RFC 5649 mechanism to the vendor quirks"
                + " (kwp.vendorMechanisms) and run 'hsmc hsm check'.";
    }

    /**
     * What this token lacks to be the console's HSM: missing mechanisms by name, and the RFC 5649 wrap
     * when no mechanism gives it (when the probe could not decide, for example before login on a token that
     * makes no object then, the first wrap decides and refuses). Empty when it is fit.
     */
    public java.util.List<String> missingForHsm() {
        java.util.List<String> missing = new java.util.ArrayList<>(capabilities().missingForHsm());
        Rfc5649Probe p = rfc5649();
        if (p.mechanism().isEmpty() && p.decisive()) {
            missing.add("RFC 5649 key wrap (" + p.summary() + ")");
        }
        return missing;
    }

    /** What this token's vendor does differently from the standard. */
    public VendorQuirks quirks() {
        return quirks;
    }

    /**
     * Replaces the probed capabilities, so that tests can drive the fallback paths (and the error a
     * token gives for a mechanism it does not have) on a token that has every mechanism.
     */
    void overrideCapabilities(Capabilities c) {
        capabilities = c;
    }

    /** Turns the native translation path off (tests of the wrapper path). */
    void useNativeTranslation(boolean on) {
        nativeTranslation = on;
    }

    boolean nativeTranslation() {
        return nativeTranslation;
    }

    /** Borrows a read-write session; close it to give it back. */
    public Session openSession() {
        ensureOpen();
        return new Session(this, pool, gate, nativeCalls);
    }

    /** Logs the normal user in, for every session of this token. The caller wipes {@code pin}. */
    public void login(char[] pin) {
        login(Attr.CKU_USER, pin);
    }

    /** Logs the security officer in (to set a user PIN with {@link #initUserPin}). */
    public void loginSecurityOfficer(char[] soPin) {
        login(Attr.CKU_SO, soPin);
    }

    private void login(long userType, char[] pin) {
        try (Session s = openSession()) {
            long ckr = nativeCalls.login(s.handle(), userType, pin);
            gate.check("C_Login", userType == Attr.CKU_SO ? "security officer" : "user", ckr);
        }
    }

    /** Logs out; harmless when nobody is logged in. Session objects of the user are gone afterwards. */
    public void logout() {
        try (Session s = openSession()) {
            try {
                gate.run("C_Logout", "", s.raw()::logout);
            } catch (NotLoggedInException alreadyOut) {
                // nothing to do
            }
        }
    }

    /** True when the user (or security officer) is logged in. */
    public boolean isLoggedIn() {
        try (Session s = openSession()) {
            long state = gate.call("C_GetSessionInfo", "", () -> s.raw().getSessionInfo().getState());
            return state == 1 || state == 3 || state == 4; // CKS_RO_USER, CKS_RW_USER, CKS_RW_SO
        }
    }

    /**
     * Changes the PIN of whoever is logged in, or of the user when nobody is (C_SetPIN). The caller
     * wipes both arrays.
     */
    public void setPin(char[] oldPin, char[] newPin) {
        long ckr;
        try (Session s = openSession()) {
            ckr = nativeCalls.setPin(s.handle(), oldPin, newPin);
        }
        if (ckr == Ckr.USER_NOT_LOGGED_IN) {
            // NSS's softokn changes the user PIN only in a logged-in session (the standard also allows it in a
            // public read-write session): log in with the old PIN, change it, log out
            login(oldPin);
            try (Session s = openSession()) {
                ckr = nativeCalls.setPin(s.handle(), oldPin, newPin);
            } finally {
                logout();
            }
        }
        gate.check("C_SetPIN", ckr == Ckr.OK ? "" : pinRule(), ckr);
    }

    /**
     * The security officer sets a new user PIN (C_InitPIN), for a new card or to unblock a locked
     * one: logs the SO in, sets the PIN, logs out. The caller wipes both arrays.
     */
    public void initUserPin(char[] soPin, char[] newUserPin) {
        loginSecurityOfficer(soPin);
        try (Session s = openSession()) {
            long ckr = nativeCalls.initPin(s.handle(), newUserPin);
            gate.check("C_InitPIN", ckr == Ckr.OK ? "" : pinRule(), ckr);
        } finally {
            logout();
        }
    }

    private String pinRule() {
        try {
            TokenDescription d = description();
            return d.minPinLength() + " to " + d.maxPinLength() + " characters";
        } catch (RuntimeException e) {
            return "";
        }
    }

    Ckr.PinState pinState() {
        TokenDescription d = description();
        return new Ckr.PinState(d.userPinCountLow(), d.userPinFinalTry(), d.userPinLocked());
    }

    boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The token '" + label + "' was closed");
        }
    }

    /** Closes the pooled sessions (which logs the token out). */
    @Override
    public void close() {
        closed = true;
        pool.close();
    }

    @Override
    public String toString() {
        return "token '" + label + "'";
    }
}
