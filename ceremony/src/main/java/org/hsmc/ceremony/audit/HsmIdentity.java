package org.hsmc.ceremony.audit;

import org.hsmc.pkcs11.ModuleDescription;
import org.hsmc.pkcs11.Token;
import org.hsmc.pkcs11.TokenDescription;

import java.util.Map;
import java.util.TreeMap;

/**
 * Which HSM and which console did the work: written to the audit log as {@value #ACTION} whenever a run
 * opens the HSM, and printed in the run's report. The HSM from {@code C_GetInfo} (library manufacturer,
 * description and version, Cryptoki version) and {@code C_GetTokenInfo} (manufacturer, model, serial
 * number, hardware and firmware versions, label), the PKCS#11 library's path, and the console's version
 * and build (the Java runtime it runs on).
 */
public final class HsmIdentity {

    /** The audit action. */
    public static final String ACTION = "hsm.identified";

    private HsmIdentity() {
    }

    /** The audit details naming {@code hsm} and this console. */
    public static Map<String, String> details(Token hsm) {
        Map<String, String> d = new TreeMap<>();
        ModuleDescription m = hsm.module().description();
        TokenDescription t = hsm.description();
        d.put("library", m.path().toString());
        d.put("library_manufacturer", m.manufacturer());
        d.put("library_description", m.description());
        d.put("library_version", m.libraryVersion());
        d.put("cryptoki_version", m.cryptokiVersion());
        d.put("token_label", t.label());
        d.put("token_manufacturer", t.manufacturer());
        d.put("token_model", t.model());
        d.put("token_serial", t.serialNumber());
        d.put("token_hardware", hsm.hardwareVersion());
        d.put("token_firmware", hsm.firmwareVersion());
        d.put("console_version", consoleVersion());
        d.put("console_build", "Java " + Runtime.version() + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return d;
    }

    /** The console's version: the build's Implementation-Version, or {@code development build}. */
    public static String consoleVersion() {
        String v = HsmIdentity.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    /** Records {@code hsm}'s identity in the log (its own entry). */
    public static void record(AuditLog audit, String actor, Token hsm) {
        audit.append(new AuditEvent(actor, ACTION, Outcome.DONE, details(hsm)));
    }
}
