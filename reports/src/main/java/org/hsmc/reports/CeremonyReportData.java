package org.hsmc.reports;

import java.util.List;

/**
 * The facts of one ceremony run, as the ceremony report prints them and its JSON companion carries
 * them. Plain data: {@link ReportData#ceremony} reads it from the store and the audit log, the
 * renderers never touch the store. Times are ISO-8601 UTC text exactly as recorded; absent values
 * are null.
 *
 * @param run          the run and its script
 * @param audit        the audit chain head before and after the run
 * @param participants the people who took part, each with role and card serial
 * @param refusals     cards refused while the quorum was formed
 * @param steps        every attempt of every step, failures and retries included, in order
 * @param keys         keys (and zones) created or changed by the run
 * @param components   key components handed over or typed in the run
 * @param bundles      bundles the run exported
 * @param signatures   the signature lines: operator, custodians, witnesses, auditor
 * @param auditorRecord trust anchors made, and the HSM and console that did the work ({@link AuditorRecord})
 */
public record CeremonyReportData(Run run, AuditSpan audit, List<Participant> participants, List<Refusal> refusals,
                                 List<StepAttempt> steps, List<KeyChange> keys, List<Component> components,
                                 List<Bundle> bundles, List<SignatureLine> signatures, AuditorRecord auditorRecord) {

    /** Facts without an auditor's record (nothing of it recorded). */
    public CeremonyReportData(Run run, AuditSpan audit, List<Participant> participants, List<Refusal> refusals,
                              List<StepAttempt> steps, List<KeyChange> keys, List<Component> components,
                              List<Bundle> bundles, List<SignatureLine> signatures) {
        this(run, audit, participants, refusals, steps, keys, components, bundles, signatures, AuditorRecord.empty());
    }

    public CeremonyReportData {
        auditorRecord = auditorRecord == null ? AuditorRecord.empty() : auditorRecord;
        participants = List.copyOf(participants);
        refusals = List.copyOf(refusals);
        steps = List.copyOf(steps);
        keys = List.copyOf(keys);
        components = List.copyOf(components);
        bundles = List.copyOf(bundles);
        signatures = List.copyOf(signatures);
    }

    /**
     * A ceremony run.
     *
     * @param type          the script's {@code ceremony} value, e.g. {@code generate-master-key}
     * @param state         PLANNED, QUORUM, STEPS, COMPLETED, ABORTED or FAILED
     * @param rehearsalPins true when the PINs were read from a rehearsal file
     * @param notes         the script's notes, or null
     * @param witnesses     the script's witnesses
     */
    public record Run(String id, String type, String title, String source, String scriptSha256, String site, String operator,
                      String state, String startedAt, String endedAt, String failure, boolean rehearsalPins, String notes,
                      List<String> witnesses) {
        public Run {
            witnesses = List.copyOf(witnesses);
        }
    }

    /** The audit chain head ({@code seq:hash}) before and after the run; {@code after} is null while the run is open. */
    public record AuditSpan(String headBefore, String headAfter) {
    }

    /**
     * Someone who took part.
     *
     * @param role        SECURITY_OFFICER, KEY_CUSTODIAN or AUDITOR; null for a name the console does not know
     * @param cardSerial  the card they presented or enrolled, or null
     * @param approvedAt  when their card approved the script's hash, once per quorum (a resumed run forms another)
     * @param enrolled    true when their card was enrolled in this run (initialize)
     * @param components  the components they received, as "i of K"
     * @param checkedAt   when their card was presented and opened its share of a new card set (the check pass of
     *                    initialize, of the LMK's recovery cards, of a replacement HSM's credential)
     */
    public record Participant(String name, String custodianId, String role, String cardSerial, List<String> approvedAt,
                              boolean enrolled, List<String> components, List<String> checkedAt) {
        public Participant {
            approvedAt = List.copyOf(approvedAt);
            components = List.copyOf(components);
            checkedAt = List.copyOf(checkedAt);
        }
    }

    /** A card refused during the quorum: who, which card, the kind of refusal and the console's message. */
    public record Refusal(String at, String actor, String cardSerial, String kind, String message) {
    }

    /**
     * One attempt of one step.
     *
     * @param outcome DONE, FAILED, or STARTED (the attempt never finished: a crash or a pulled cable)
     * @param result  what the step made, or why it failed
     */
    public record StepAttempt(int step, int attempt, String name, String startedAt, String endedAt, String outcome, String result) {
    }

    /**
     * A key or zone the run created or changed.
     *
     * @param kind       LMK, ZMK, TRANSPORT_KEY, WORKING_KEY, ZONE, BUNDLE_SIGNER or AUDIT_SIGNER
     * @param version    the key version, or null (zones)
     * @param kcv        the KCV (ANSI X9.24-1:2017, 10 hex digits), a transport key's fingerprint, or null
     * @param change     CREATED, IMPORTED, ACTIVATED, RETIRED, SUPERSEDED, REVOKED or REGISTERED
     * @param algorithm  e.g. AES-256, or null
     * @param validFrom  start of validity, or null
     * @param validUntil end of validity (for SUPERSEDED: the new, shortened end), or null
     * @param related    the other key (SUPERSEDED: its successor), the incident (REVOKED), or a certificate subject
     * @param reason     why (REVOKED), or a count or other detail, or null
     */
    public record KeyChange(String id, String kind, Integer version, String kcv, String change, String algorithm, String validFrom,
                            String validUntil, String related, String reason) {
    }

    /**
     * A key component handed over (generate) or typed (import).
     *
     * @param event  DELIVERED, ACCEPTED or REFUSED
     * @param holder who received it (DELIVERED), or null
     * @param kcv    the component's KCV, or null (a refused component whose digits were not hex)
     * @param reason why it was refused, or null
     */
    public record Component(String at, String keyId, int number, Integer count, String holder, String kcv, String event,
                            String reason) {
    }

    /**
     * A bundle the run exported (its receipt).
     *
     * @param sequence       the zone's bundle sequence number (strictly increasing per zone)
     * @param sha256         SHA-256 of the bundle file, lower-case hex
     * @param previousSha256 SHA-256 of the zone's previous bundle, or null for its first
     * @param keys           the number of keys it carries, or null when not recorded
     * @param revocations    the number of revocations it carries, or null when not recorded
     */
    public record Bundle(String at, String zone, Long sequence, String sha256, String previousSha256, String file, Integer keys,
                         Integer revocations, String expiresAt) {
    }

    /**
     * A signature line.
     *
     * @param role OPERATOR, SECURITY_OFFICER, KEY_CUSTODIAN, AUDITOR or WITNESS
     * @param name the name printed under the line; empty when it is written by hand
     */
    public record SignatureLine(String role, String name) {
    }
}
