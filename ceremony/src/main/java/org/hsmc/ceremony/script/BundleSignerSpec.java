package org.hsmc.ceremony.script;

import javax.security.auth.x500.X500Principal;
import java.util.Objects;

/**
 * The console certificate that signs key bundles.
 *
 * @param subject its X.500 subject as written (RFC 2253 form), e.g. {@code CN=Key console, O=Example}
 */
public record BundleSignerSpec(String subject) {
    public BundleSignerSpec {
        Objects.requireNonNull(subject, "subject");
    }

    /** The subject as a principal. */
    public X500Principal principal() {
        return new X500Principal(subject);
    }
}
