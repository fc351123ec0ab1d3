package org.hsmc.ceremony.script;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code initialize}: put the HSM under M-of-N control. The custodians are named and enrol their cards,
 * the HSM credential is split over the cards of those who may hold a share, and {@code threshold} of
 * them are needed from then on to open the HSM.
 *
 * @param format    the script format version, {@link CeremonyScript#FORMAT}
 * @param title     shown on screens and reports
 * @param operator  the security officer who drives the run
 * @param witnesses names for the report's signature lines
 * @param notes     free text for the report
 * @param threshold    M, the cards needed to open the HSM; 2 ≤ M ≤ {@link #shareHolders()}
 * @param custodians   2–16 people with distinct names and distinct cards, in script order
 * @param bundleSigner the console certificate that signs key bundles
 */
public record InitializeScript(int format, String title, String operator, List<String> witnesses, Optional<String> notes,
        int threshold, List<CustodianSpec> custodians, BundleSignerSpec bundleSigner) implements CeremonyScript {
    public InitializeScript {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(operator, "operator");
        witnesses = List.copyOf(witnesses);
        Objects.requireNonNull(notes, "notes");
        custodians = List.copyOf(custodians);
        Objects.requireNonNull(bundleSigner, "bundleSigner");
    }

    @Override
    public CeremonyType type() {
        return CeremonyType.INITIALIZE;
    }

    /** N: how many custodians hold a share (security officers and key custodians). */
    public int shareHolders() {
        return (int) custodians.stream().filter(CustodianSpec::holdsShare).count();
    }
}
