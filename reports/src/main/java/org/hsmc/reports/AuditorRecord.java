package org.hsmc.reports;

import java.util.List;

/**
 * What an auditor checks a ceremony report against, beyond the steps: the trust anchors the run made
 * (with the exact bytes each fingerprint covers) and which HSM and which console did the work. Read
 * from the run's audit entries, so the report stays deterministic and {@code hsmc report verify} checks
 * every part against the log.
 *
 * @param trustAnchors the console certificate and audit keys the run made or registered
 * @param identity     the HSM and console, as recorded when the run opened the HSM; null when the run
 *                     never opened it, or ran before the console recorded it
 * @param exportedKeys every key the run's bundles carry, with its KCV
 * @param deviations   deviations from the script recorded for the run, in order
 */
public record AuditorRecord(List<TrustAnchor> trustAnchors, Identity identity, List<ExportedKey> exportedKeys,
                            List<Deviation> deviations) {

    public AuditorRecord {
        trustAnchors = List.copyOf(trustAnchors);
        exportedKeys = exportedKeys == null ? List.of() : List.copyOf(exportedKeys);
        deviations = deviations == null ? List.of() : List.copyOf(deviations);
    }

    /** Nothing recorded. */
    public static AuditorRecord empty() {
        return new AuditorRecord(List.of(), null, List.of(), List.of());
    }

    /**
     * A deviation from the script, as recorded during (or after) the run.
     *
     * @param at   when it was recorded (the audit entry's time)
     * @param step the step as the printed script numbers it; 0 for none
     */
    public record Deviation(String at, String recordedBy, int step, String what, String instead) {
    }

    /**
     * A key a bundle of the run carries (the bundle's receipt), read from the signed bundle's own manifest.
     *
     * @param sequence    the bundle's sequence number in its zone
     * @param wrappingKey the key it is wrapped under (ZMK or transport key) and its KCV
     */
    public record ExportedKey(String zone, long sequence, String keyId, String purpose, int version, String kcv, String wrappingKey,
                              String wrappingKcv) {
    }

    /**
     * A fingerprint a node or an auditor compares out of band.
     *
     * @param kind   {@code CONSOLE_CERTIFICATE} (SHA-256 over the certificate's DER, as {@code openssl x509
     *               -outform DER | sha256sum} gives) or {@code AUDIT_KEY} (SHA-256 over the public key's
     *               DER SubjectPublicKeyInfo, as {@code openssl pkey -pubin -outform DER | sha256sum} gives)
     * @param keyId  the key's id, e.g. {@code bundle-signer/v1}, {@code audit-signer/v1}
     * @param sha256 lower-case hex
     */
    public record TrustAnchor(String kind, String keyId, String sha256) {
    }

    /**
     * The HSM ({@code C_GetInfo}, {@code C_GetTokenInfo}, the library's path) and the console that ran.
     *
     * @param at the time it was recorded (the audit entry's)
     */
    public record Identity(String at, String library, String libraryManufacturer, String libraryDescription, String libraryVersion,
                           String cryptokiVersion, String tokenLabel, String tokenManufacturer, String tokenModel, String tokenSerial,
                           String tokenHardware, String tokenFirmware, String consoleVersion, String consoleBuild) {
    }
}
