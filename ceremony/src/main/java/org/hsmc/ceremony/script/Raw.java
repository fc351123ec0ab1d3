package org.hsmc.ceremony.script;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

/**
 * The scripts as the strict parse reads them: every field the file may give, with the YAML names, and
 * null where the file leaves a field out. Names, roles, algorithms, times and KCVs are still text here;
 * {@link Validation} checks the values and builds the {@link CeremonyScript}. The order of the
 * components is the order in which "allowed here" lists the fields.
 */
final class Raw {

    private Raw() {
    }

    /** The fields every script has. */
    interface Script {
        String ceremony();

        Integer format();

        String title();

        String operator();

        List<String> witnesses();

        String notes();
    }

    /** Pass 1: only the type and the format; everything else is skipped. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Header(String ceremony, Integer format) {
    }

    record Initialize(String ceremony, Integer format, String title, String operator, List<String> witnesses,
                      String notes, Integer threshold, List<Custodian> custodians,
                      @JsonProperty("bundle_signer") BundleSigner bundleSigner) implements Script {
    }

    record Custodian(String name, String role, String card) {
    }

    record BundleSigner(String subject) {
    }

    record GenerateMasterKey(String ceremony, Integer format, String title, String operator, List<String> witnesses,
                             String notes, Integer version, Boolean rotate, Recovery recovery) implements Script {
    }

    record Recovery(Integer threshold, List<String> holders, @JsonProperty("vendor_backup") String vendorBackup) {
    }

    record RestoreMasterKey(String ceremony, Integer format, String title, String operator, List<String> witnesses,
                            String notes, Integer version, @JsonProperty("bundle_signer") BundleSigner bundleSigner)
            implements Script {
    }

    record Zone(String id, String name) {
    }

    record GenerateZoneMasterKey(String ceremony, Integer format, String title, String operator,
                                 List<String> witnesses, String notes, Zone zone, Integer version, Integer components,
                                 @JsonProperty("component_holders") List<String> componentHolders,
                                 @JsonProperty("transport_key") String transportKey) implements Script {
    }

    record ImportZoneMasterKey(String ceremony, Integer format, String title, String operator,
                               List<String> witnesses, String notes, Zone zone, Integer version, Integer components,
                               @JsonProperty("component_kcvs") List<String> componentKcvs, String kcv) implements Script {
    }

    record GenerateWorkingKeys(String ceremony, Integer format, String title, String operator,
                               List<String> witnesses, String notes, String zone, List<String> zones, List<WorkingKey> keys)
            implements Script {
    }

    record WorkingKey(String purpose, String algorithm, Integer version,
                      @JsonProperty("valid_from") String validFrom,
                      @JsonProperty("valid_until") String validUntil, Integer count) {
    }

    record Rotate(String ceremony, Integer format, String title, String operator, List<String> witnesses,
                  String notes, String zone, @JsonProperty("due_within_days") Integer dueWithinDays,
                  @JsonProperty("overlap_days") Integer overlapDays,
                  @JsonProperty("validity_days") Integer validityDays) implements Script {
    }

    record Revoke(String ceremony, Integer format, String title, String operator, List<String> witnesses,
                  String notes, String zone, KeyList keys, String reason, String incident) implements Script {
    }

    /** {@code revoke}'s {@code keys}: either {@code text} (which must be {@code all}) or {@code ids}. */
    record KeyList(String text, List<String> ids) {
    }

    record ExportBundle(String ceremony, Integer format, String title, String operator, List<String> witnesses,
                        String notes, ZoneList zones, @JsonProperty("expires_in_days") Integer expiresInDays,
                        @JsonProperty("output_directory") String outputDirectory) implements Script {
    }

    /** {@code export-bundle}'s {@code zones}: either {@code text} (which must be {@code *}) or {@code ids}. */
    record ZoneList(String text, List<String> ids) {
    }

    // ---- custody changes

    record EnrolCard(String ceremony, Integer format, String title, String operator, List<String> witnesses,
                     String notes, String holder, String role, String card) implements Script {
    }

    record ReplaceCard(String ceremony, Integer format, String title, String operator, List<String> witnesses,
                       String notes, String card, @JsonProperty("new_card") String newCard, String holder, String reason)
            implements Script {
    }

    record RevokeCard(String ceremony, Integer format, String title, String operator, List<String> witnesses,
                      String notes, String card, String reason) implements Script {
    }

    record UnblockCard(String ceremony, Integer format, String title, String operator, List<String> witnesses,
                       String notes, String card, String reason) implements Script {
    }

    record ChangeQuorum(String ceremony, Integer format, String title, String operator, List<String> witnesses,
                        String notes, Integer threshold, List<String> cards, Rule rule) implements Script {
    }

    /** {@code change-quorum}'s {@code rule}: the roles that approve, and each role's minimum. */
    record Rule(List<String> roles, List<RoleMinimum> minimum) {
    }

    record RoleMinimum(String role, Integer count) {
    }

    /** The raw record a type is read into. */
    static Class<? extends Script> classOf(CeremonyType type) {
        return switch (type) {
            case INITIALIZE -> Initialize.class;
            case GENERATE_MASTER_KEY -> GenerateMasterKey.class;
            case GENERATE_ZONE_MASTER_KEY -> GenerateZoneMasterKey.class;
            case IMPORT_ZONE_MASTER_KEY -> ImportZoneMasterKey.class;
            case GENERATE_WORKING_KEYS -> GenerateWorkingKeys.class;
            case ROTATE -> Rotate.class;
            case REVOKE -> Revoke.class;
            case EXPORT_BUNDLE -> ExportBundle.class;
            case RESTORE_MASTER_KEY -> RestoreMasterKey.class;
            case ENROL_CARD -> EnrolCard.class;
            case REPLACE_CARD -> ReplaceCard.class;
            case REVOKE_CARD -> RevokeCard.class;
            case UNBLOCK_CARD -> UnblockCard.class;
            case CHANGE_QUORUM -> ChangeQuorum.class;
        };
    }

    /** The YAML field names of a raw record, in order. */
    static List<String> fieldNames(Class<?> record) {
        RecordComponent[] components = record.getRecordComponents();
        if (components == null) {
            return List.of();
        }
        return Arrays.stream(components).map(c -> {
            JsonProperty named = c.getAccessor().getAnnotation(JsonProperty.class);
            return named != null ? named.value() : c.getName();
        }).toList();
    }
}
