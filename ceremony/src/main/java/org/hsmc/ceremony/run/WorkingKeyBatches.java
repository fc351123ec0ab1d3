package org.hsmc.ceremony.run;

import org.hsmc.ceremony.keys.KeyHierarchy;
import org.hsmc.ceremony.keys.KeyIds;
import org.hsmc.ceremony.keys.KeyRecords;
import org.hsmc.ceremony.script.GenerateWorkingKeysScript;
import org.hsmc.ceremony.script.WorkingKeySpec;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The steps of a generate-working-keys run: per zone, its keys in batches of a fixed size (one journaled step
 * each). A batch is described by ranges of versions of the script's entries, never by a list of every key, so a
 * script of a million keys plans its steps in a few kilobytes; a batch's keys are expanded only when it runs.
 */
final class WorkingKeyBatches {

    /** Versions {@code from} … {@code to} of one entry. */
    record Segment(WorkingKeySpec spec, int from, int to) {
        int size() {
            return to - from + 1;
        }
    }

    /**
     * One step: keys {@code first} … {@code last} (1-based) of the {@code zoneTotal} keys of {@code zone}.
     *
     * @param done keys of the whole run before this batch (for progress)
     */
    record Batch(String zone, List<Segment> segments, long first, long last, long zoneTotal, long done) {
        int size() {
            return (int) (last - first + 1);
        }

        String name() {
            return "generate working keys " + first + "–" + last + " of " + zoneTotal + " for zone " + zone;
        }

        /** The keys of this batch that the store does not hold yet (a repeated step skips what an attempt made). */
        List<KeyHierarchy.WorkingKeyRequest> missing(Connection c) throws SQLException {
            List<KeyHierarchy.WorkingKeyRequest> todo = new ArrayList<>(size());
            for (Segment s : segments) {
                KeyIds.KeyPurposeName p = KeyIds.KeyPurposeName.valueOf(s.spec().purpose().name());
                KeyRecords.VersionsInUse used = KeyRecords.versionsInUse(c, zone, p, s.from(), s.to(), s.size());
                Set<Integer> there = new HashSet<>(used.first());
                for (int v = s.from(); v <= s.to(); v++) {
                    if (!there.contains(v)) {
                        todo.add(new KeyHierarchy.WorkingKeyRequest(p, s.spec().algorithm().yamlName(), v, s.spec().validFrom(),
                                s.spec().validUntil()));
                    }
                }
            }
            return todo;
        }
    }

    private WorkingKeyBatches() {
    }

    /** The batches of {@code script}, zone by zone in script order, {@code size} keys each (the last of a zone fewer). */
    static List<Batch> of(GenerateWorkingKeysScript script, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size " + size);
        }
        long perZone = script.keysPerZone();
        List<Batch> out = new ArrayList<>();
        long done = 0;
        for (String zone : script.zones()) {
            List<Segment> current = new ArrayList<>();
            long first = 1;
            long n = 0;
            for (WorkingKeySpec spec : script.keys()) {
                int v = spec.version();
                while (v <= spec.lastVersion()) {
                    int room = (int) (size - (n - first + 1));
                    int to = (int) Math.min(spec.lastVersion(), (long) v + room - 1);
                    current.add(new Segment(spec, v, to));
                    n += to - v + 1;
                    v = to + 1;
                    if (n - first + 1 == size) {
                        out.add(new Batch(zone, List.copyOf(current), first, n, perZone, done));
                        done += n - first + 1;
                        current.clear();
                        first = n + 1;
                    }
                }
            }
            if (!current.isEmpty()) {
                out.add(new Batch(zone, List.copyOf(current), first, n, perZone, done));
                done += n - first + 1;
            }
        }
        return out;
    }
}
