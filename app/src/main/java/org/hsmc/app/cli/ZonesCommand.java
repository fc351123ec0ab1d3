package org.hsmc.app.cli;

import org.hsmc.ceremony.keys.KeyRecords;
import org.hsmc.ceremony.keys.Zone;
import org.hsmc.ceremony.keys.ZoneKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hsmc zones}: zones and their zone keys. */
@Command(name = "zones", description = "List the zones with their zone master keys or transport keys (KCVs only).")
final class ZonesCommand implements Callable<Integer> {

    @Mixin
    HomeOption home = new HomeOption();
    @Option(names = "--json", description = "Print JSON.")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (ConsoleContext ctx = ConsoleContext.open(home.resolve())) {
            List<Map<String, Object>> rows = ctx.store.read(c -> {
                List<Map<String, Object>> out = new ArrayList<>();
                for (Zone z : KeyRecords.zones(c)) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", z.id());
                    m.put("name", z.name());
                    m.put("status", z.status());
                    List<Map<String, Object>> keys = new ArrayList<>();
                    for (ZoneKey k : KeyRecords.zoneKeys(c, z.id())) {
                        Map<String, Object> km = new LinkedHashMap<>();
                        km.put("id", k.id());
                        km.put("kind", k.kind().name());
                        km.put("kcv", k.kcv());
                        km.put("status", k.status());
                        km.put("components", k.components());
                        keys.add(km);
                    }
                    m.put("zone_keys", keys);
                    out.add(m);
                }
                return out;
            });
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.write(rows));
                return Hsmc.EXIT_OK;
            }
            for (Map<String, Object> z : rows) {
                out.println(z.get("id") + "  " + z.get("name") + "  " + z.get("status"));
                for (Object o : (List<?>) z.get("zone_keys")) {
                    Map<?, ?> k = (Map<?, ?>) o;
                    out.println("    " + k.get("id") + "  " + k.get("kind") + "  KCV " + k.get("kcv") + "  " + k.get("status"));
                }
            }
            out.println(rows.size() + " zone(s)");
            return Hsmc.EXIT_OK;
        }
    }
}
