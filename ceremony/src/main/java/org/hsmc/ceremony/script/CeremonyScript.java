package org.hsmc.ceremony.script;

import java.util.List;
import java.util.Optional;

/**
 * A validated ceremony script: what one ceremony will do, as reviewed. Obtain one from
 * {@link ScriptParser}; switch over the permitted records to run it.
 */
public sealed interface CeremonyScript
        permits InitializeScript, GenerateMasterKeyScript, GenerateZoneMasterKeyScript, ImportZoneMasterKeyScript,
        GenerateWorkingKeysScript, RotateScript, RevokeScript, ExportBundleScript, RestoreMasterKeyScript,
        EnrolCardScript, ReplaceCardScript, RevokeCardScript, UnblockCardScript, ChangeQuorumScript {

    /** The script format version this console reads. */
    int FORMAT = 1;

    /** The kind of ceremony ({@code ceremony} in the file). */
    CeremonyType type();

    /** The script format version ({@code format}); always {@link #FORMAT}. */
    int format();

    /** Shown on screens and reports, 1–200 characters, one line. */
    String title();

    /** The security officer who drives the run, by custodian name. */
    String operator();

    /** Names printed on the report's signature lines; may be empty. */
    List<String> witnesses();

    /** Free text printed on the report, if any. */
    Optional<String> notes();
}
