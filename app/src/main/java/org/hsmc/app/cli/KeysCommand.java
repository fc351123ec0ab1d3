package org.hsmc.app.cli;

import org.hsmc.ceremony.keys.InventoryFilter;
import org.hsmc.ceremony.keys.KeyHierarchy;
import org.hsmc.ceremony.keys.RunKeys;
import org.hsmc.ceremony.keys.KeyIds;
import org.hsmc.ceremony.keys.WorkingKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hsmc keys}: the working-key inventory, filtered; never any key material. */
@Command(name = "keys", description = "List working keys by zone, purpose, status and expiry (KCVs, versions, ceremonies; never key material).")
final class KeysCommand implements Callable<Integer> {

    @Mixin
    HomeOption home = new HomeOption();
    @Option(names = "--zone", description = "Only this zone.")
    String zone;
    @Option(names = "--purpose", description = "DEK, KEK or MAC.")
    KeyIds.KeyPurposeName purpose;
    @Option(names = "--status", description = "ACTIVE, REVOKED or WITHDRAWN (withdrawn with its aborted run).")
    String status;
    @Option(names = "--expiring-within", paramLabel = "DAYS", description = "Only keys whose validity ends within DAYS.")
    Integer expiringWithin;
    @Option(names = "--due", paramLabel = "DAYS", description = "The keys due for rotation within DAYS (active, not yet rotated), soonest first.")
    Integer due;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (ConsoleContext ctx = ConsoleContext.open(home.resolve())) {
            KeyHierarchy keys = new KeyHierarchy(ctx.store, ctx.audit, ctx.clock);
            PrintWriter out = spec.commandLine().getOut();
            if (due != null) {
                List<WorkingKey> list = keys.dueForRotation(due); // soonest first: sorted, and a short list
                print(list::forEach, out);
                return Hsmc.EXIT_OK;
            }
            InventoryFilter f = new InventoryFilter(zone, purpose, status == null ? null : status.toUpperCase(java.util.Locale.ROOT),
                    expiringWithin == null ? null : Instant.now().plus(expiringWithin, ChronoUnit.DAYS));
            // streamed: each key printed as it is read, so the first line comes before the whole inventory is read
            print(each -> keys.inventory(f, each), out);
            return Hsmc.EXIT_OK;
        }
    }

    private void print(java.util.function.Consumer<java.util.function.Consumer<WorkingKey>> keys, PrintWriter out) {
        if (json) {
            try (com.fasterxml.jackson.databind.SequenceWriter w = Json.arrayWriter(out)) {
                keys.accept(k -> {
                    try {
                        w.write(view(k));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            out.println();
            out.flush();
            return;
        }
        out.printf("%-28s %-8s %-8s %-12s %-20s %-20s %-10s %s%n", "KEY", "ALG", "VERSION", "KCV", "VALID FROM", "VALID UNTIL",
                "STATUS", "RUN");
        long[] count = new long[1];
        boolean[] rotated = new boolean[1];
        boolean[] withdrawn = new boolean[1];
        keys.accept(w -> {
            out.printf("%-28s %-8s %-8d %-12s %-20s %-20s %-10s %s%n", w.id(), w.algorithm(), w.version(), w.kcv(),
                    w.validFrom(), w.validUntil(), w.status() + (w.supersededBy() != null ? "*" : ""), w.runId());
            count[0]++;
            rotated[0] |= w.supersededBy() != null;
            withdrawn[0] |= RunKeys.WITHDRAWN.equals(w.status());
        });
        out.println(count[0] + " key(s)" + (rotated[0] ? "; * = rotated, valid until its overlap ends" : "")
                + (withdrawn[0] ? "; WITHDRAWN = made by a run that was aborted: no bundle carries it" : ""));
        out.flush();
    }

    static Map<String, Object> view(WorkingKey w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", w.id());
        m.put("zone", w.zone());
        m.put("purpose", w.purpose().name());
        m.put("algorithm", w.algorithm());
        m.put("version", w.version());
        m.put("kcv", w.kcv());
        m.put("valid_from", w.validFrom().toString());
        m.put("valid_until", w.validUntil().toString());
        m.put("status", w.status());
        m.put("superseded_by", w.supersededBy());
        m.put("lmk_version", w.lmkVersion());
        m.put("run", w.runId());
        return m;
    }
}
