package org.hsmc.ceremony.run;

import org.hsmc.ceremony.bundle.BundleExporter;
import org.hsmc.ceremony.bundle.ExportPipeline;
import org.hsmc.ceremony.keys.KeyRecords;
import org.hsmc.ceremony.keys.Zone;
import org.hsmc.ceremony.script.ExportBundleScript;
import org.hsmc.ceremony.script.ZoneSelection;
import org.hsmc.ceremony.store.Store;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The steps of {@code export-bundle}: one journaled step per zone, each safe to repeat (an interrupted
 * run resumes at the first zone whose bundle is not on the medium, and never signs a zone's bundle twice).
 * With {@code zones: '*'} the zones are those registered before the run started, by id, so that a resumed
 * run has the same steps. The next zone's keys are translated while a zone's bundle is signed and written
 * ({@link ExportPipeline}).
 */
final class ExportBundleSteps {

    private ExportBundleSteps() {
    }

    /** The name and action of each step, in order; {@code step} wraps them as the engine's steps. */
    static <S> List<S> steps(Store store, BundleExporter exporter, RunJournal journal, String runId, ExportBundleScript script,
                             Path scriptDirectory, BiFunction<String, CeremonyEngineStep, S> step) {
        List<String> zones = zones(store, journal, runId, script);
        Path out = scriptDirectory.resolve(script.outputDirectory());
        ExportPipeline pipeline = new ExportPipeline(exporter, zones, runId, Duration.ofDays(script.expiresInDays()), out);
        List<S> steps = new ArrayList<>();
        for (int i = 0; i < zones.size(); i++) {
            String zone = zones.get(i);
            int index = i;
            int n = i + 1;
            steps.add(step.apply("bundle for zone " + zone + " (" + n + " of " + zones.size() + ")", (hsm, console) -> {
                BundleExporter.Exported e = pipeline.export(hsm, index,
                        (z, done, total) -> console.progress("bundle " + z + ": keys translated", done, total));
                console.progress("bundles", n, zones.size());
                var r = e.record();
                return (e.earlier() ? "signed in an earlier attempt; " : "") + r.fileName() + ": sequence " + r.sequence() + ", "
                        + r.keyCount() + " key(s), " + r.revocationCount() + " revocation(s), SHA-256 " + r.sha256()
                        + ", expires " + r.expiresAt();
            }));
        }
        return steps;
    }

    /** The step's action, as the engine runs it. */
    @FunctionalInterface
    interface CeremonyEngineStep {
        String run(org.hsmc.pkcs11.Session hsm, CeremonyConsole console);
    }

    /** The zones of the run: as listed, or every zone registered before the run started, by id. */
    static List<String> zones(Store store, RunJournal journal, String runId, ExportBundleScript script) {
        if (script.zones() instanceof ZoneSelection.Listed l) {
            return l.ids();
        }
        Instant started = journal.find(runId).map(RunRecord::startedAt).orElse(Instant.MAX);
        return store.read(KeyRecords::zones).stream().filter(z -> !z.createdAt().isAfter(started)).map(Zone::id).sorted().toList();
    }
}
