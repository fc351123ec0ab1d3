package org.hsmc.reports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A ceremony that makes many working keys (generate-working-keys in bulk) is reported as it was asked for: one row per
 * zone, purpose, algorithm and validity, with the versions and the count, instead of a row per key. Each key with its
 * KCV is in the key inventory report. Runs that make few keys keep their row per key.
 */
final class KeyChangeSummary {

    /** Above this many working keys made, a run's keys are summarised. */
    static final int ROWS_PER_KEY_UP_TO = 100;

    private KeyChangeSummary() {
    }

    /**
     * {@code keys} unchanged when it holds at most {@link #ROWS_PER_KEY_UP_TO} created working keys; otherwise the created
     * working keys replaced, where the first of them was, by one row per group (id {@code wk/<zone>/<purpose>/vA–vB},
     * {@code reason} the count).
     */
    static List<CeremonyReportData.KeyChange> summarise(List<CeremonyReportData.KeyChange> keys) {
        long created = keys.stream().filter(KeyChangeSummary::createdWorkingKey).count();
        if (created <= ROWS_PER_KEY_UP_TO) {
            return keys;
        }
        Map<List<String>, Group> groups = new LinkedHashMap<>();
        List<CeremonyReportData.KeyChange> out = new ArrayList<>();
        int at = -1;
        for (CeremonyReportData.KeyChange k : keys) {
            if (!createdWorkingKey(k)) {
                out.add(k);
                continue;
            }
            if (at < 0) {
                at = out.size();
            }
            String prefix = k.id().substring(0, k.id().lastIndexOf('/') + 1);
            groups.computeIfAbsent(List.of(prefix, String.valueOf(k.algorithm()), String.valueOf(k.validFrom()),
                    String.valueOf(k.validUntil())), g -> new Group(prefix, k)).add(k.version());
        }
        out.addAll(at, groups.values().stream().map(Group::row).toList());
        return out;
    }

    private static boolean createdWorkingKey(CeremonyReportData.KeyChange k) {
        return "WORKING_KEY".equals(k.kind()) && "CREATED".equals(k.change()) && k.id() != null && k.id().contains("/")
                && k.version() != null;
    }

    private static final class Group {
        private final String prefix;
        private final CeremonyReportData.KeyChange first;
        private int low = Integer.MAX_VALUE;
        private int high = Integer.MIN_VALUE;
        private long count;

        Group(String prefix, CeremonyReportData.KeyChange first) {
            this.prefix = prefix;
            this.first = first;
        }

        void add(int version) {
            low = Math.min(low, version);
            high = Math.max(high, version);
            count++;
        }

        CeremonyReportData.KeyChange row() {
            String id = low == high ? prefix + "v" + low : prefix + "v" + low + "–v" + high;
            return new CeremonyReportData.KeyChange(id, "WORKING_KEY", null, null, "CREATED", first.algorithm(), first.validFrom(),
                    first.validUntil(), null, Long.toString(count));
        }
    }
}
