package org.hsmc.app.cli;

import org.hsmc.ceremony.audit.AuditHead;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.HsmAuditHead;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Token;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The audit head the HSM keeps ({@link HsmAuditHead}), read for {@code hsmc audit verify} and
 * {@code hsmc status} when the HSM is reachable: the private copy when the HSM happens to be logged in,
 * else the public one. {@link #note} says what was compared, or why nothing was.
 */
record HsmHeadProbe(Optional<AuditHead> head, String note) {

    static HsmHeadProbe read(Path home, AuditLog log) {
        Optional<String> logId = log.logId();
        if (logId.isEmpty()) {
            return new HsmHeadProbe(Optional.empty(), "not compared (the log is empty)");
        }
        if (!Files.isRegularFile(home.resolve(SiteProfile.FILE))) {
            return new HsmHeadProbe(Optional.empty(), "not compared (no site profile in " + home + " names the HSM)");
        }
        try {
            SiteProfile profile = SiteProfile.read(home);
            try (Pkcs11Module module = Pkcs11Module.load(profile.hsmModule(), profile.moduleEnvironment())) {
                Token hsm = module.token(profile.hsmToken());
                Optional<AuditHead> h = HsmAuditHead.readVisible(hsm, logId.get());
                return new HsmHeadProbe(h, h.map(x -> x.text() + " (kept by the HSM '" + profile.hsmToken() + "' at the last"
                        + " checkpoint; the log was compared with it)")
                        .orElse("none kept yet for this log by the HSM '" + profile.hsmToken() + "' (it is written at each checkpoint)"));
            }
        } catch (RuntimeException e) {
            return new HsmHeadProbe(Optional.empty(), "not compared: the HSM could not be reached (" + e.getMessage() + ")."
                    + " Run this again where the HSM is connected, or give --expected-head from the last report");
        }
    }
}
