package org.hsmc.ceremony.bundle;

import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The bundles of several zones, one after another, as the export-bundle ceremony makes them (one journaled step
 * per zone). While zone <i>n</i>'s bundle is signed, recorded and written (the store's and the medium's fsyncs,
 * which do not need the HSM), zone <i>n</i>+1's keys are already being translated on a second session of the
 * same HSM, on a background thread. Translating changes nothing (the transient copies are destroyed), so a run
 * that stops loses nothing but that work; every state change happens in {@link #export} of its own zone, on the
 * caller's thread. Progress of a zone translated ahead is reported when its step takes it.
 *
 * <p>One instance serves one run; {@link #export} is called by one thread, for indices in increasing order
 * (a resumed run starts at its first zone not done).
 */
public final class ExportPipeline {

    private final BundleExporter exporter;
    private final List<String> zones;
    private final String runId;
    private final Duration validity;
    private final Path directory;
    private int aheadIndex = -1;
    private CompletableFuture<BundleExporter.Prepared> ahead;

    public ExportPipeline(BundleExporter exporter, List<String> zones, String runId, Duration validity, Path directory) {
        this.exporter = exporter;
        this.zones = List.copyOf(zones);
        this.runId = runId;
        this.validity = validity;
        this.directory = directory;
    }

    public List<String> zones() {
        return zones;
    }

    /** Exports the bundle of zone {@code index} (safe to repeat), starting the translation of the next zone. */
    public BundleExporter.Exported export(Session hsm, int index, BundleExporter.Progress progress) {
        String zone = zones.get(index);
        Optional<BundleExporter.Exported> earlier = exporter.resume(zone, runId);
        if (earlier.isPresent()) {
            discardAhead();
            return earlier.get();
        }
        BundleExporter.Prepared prepared = take(hsm, index, progress);
        startAhead(hsm.token(), index + 1);
        try {
            return exporter.finish(hsm, prepared, validity, directory, runId);
        } catch (RuntimeException e) {
            discardAhead();
            throw e;
        }
    }

    private BundleExporter.Prepared take(Session hsm, int index, BundleExporter.Progress progress) {
        if (ahead != null && aheadIndex == index) {
            CompletableFuture<BundleExporter.Prepared> f = ahead;
            ahead = null;
            try {
                BundleExporter.Prepared p = f.join();
                progress.keys(p.zone(), p.keyCount(), p.keyCount());
                return p;
            } catch (CancellationException e) {
                // the run had signed it already when the work ahead started: prepare it here
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }
        discardAhead();
        return exporter.prepare(hsm, zones.get(index), progress);
    }

    /** Translates zone {@code index} on a session of its own, on a background thread, unless the run has its bundle. */
    private void startAhead(Token token, int index) {
        discardAhead();
        if (index >= zones.size()) {
            return;
        }
        String zone = zones.get(index);
        CompletableFuture<BundleExporter.Prepared> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("bundle-ahead-" + zone).start(() -> {
            try {
                if (exporter.signedBy(zone, runId)) {
                    f.cancel(false);
                    return;
                }
                try (Session s = token.openSession()) {
                    f.complete(exporter.prepare(s, zone, (z, done, total) -> { }));
                }
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        ahead = f;
        aheadIndex = index;
    }

    /** Forgets work done ahead (it changed nothing; its temporary file is deleted when it is done); its thread ends by itself. */
    private void discardAhead() {
        if (ahead != null) {
            ahead.thenAccept(BundleExporter.Prepared::close);
        }
        ahead = null;
        aheadIndex = -1;
    }
}
