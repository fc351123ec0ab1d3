package org.hsmc.ceremony.bundle;

import org.hsmc.pkcs11.Session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pages of one zone's keys translated on {@code n} HSM sessions side by side, their results handed back in the order the
 * pages came. With one session the page is translated on the caller's thread, on the caller's session. With more, each
 * page goes to a thread with a session of its own (opened here, closed by {@link #close}); at most {@code n + 1} pages
 * are in flight, so memory stays a few pages whatever the zone's size.
 */
final class TranslationPool implements AutoCloseable {

    /** A page of keys and the session to translate it on. */
    record Page(List<BundleRecords.ExportableKey> keys, Session session) {
    }

    @FunctionalInterface
    interface PageTranslator {
        List<BundleManifest.Key> translate(Page page);
    }

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final Session primary;
    private final PageTranslator translator;
    private final int n;
    private final ExecutorService threads;
    private final BlockingQueue<Session> free;
    private final List<Session> opened = new ArrayList<>();
    private final Deque<CompletableFuture<List<BundleManifest.Key>>> inFlight = new ArrayDeque<>();

    TranslationPool(Session primary, int sessions, PageTranslator translator) {
        this.primary = primary;
        this.translator = translator;
        this.n = sessions;
        if (sessions == 1) {
            threads = null;
            free = null;
            return;
        }
        int pool = POOLS.incrementAndGet();
        AtomicInteger t = new AtomicInteger();
        threads = Executors.newFixedThreadPool(sessions, r -> Thread.ofPlatform().daemon()
                .name("bundle-translate-" + pool + "-" + t.incrementAndGet()).unstarted(r));
        free = new ArrayBlockingQueue<>(sessions);
        try {
            for (int i = 0; i < sessions; i++) {
                Session s = primary.token().openSession();
                opened.add(s);
                free.add(s);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Hands a page over; returns the pages finished meanwhile, in order (with one session: this page, translated). */
    List<List<BundleManifest.Key>> submit(List<BundleRecords.ExportableKey> keys) {
        if (threads == null) {
            return List.of(translator.translate(new Page(keys, primary)));
        }
        inFlight.addLast(CompletableFuture.supplyAsync(() -> {
            Session s = free.poll();
            try {
                return translator.translate(new Page(keys, s));
            } finally {
                free.add(s);
            }
        }, threads));
        List<List<BundleManifest.Key>> done = new ArrayList<>();
        while (inFlight.size() > n || (!inFlight.isEmpty() && inFlight.peekFirst().isDone())) {
            done.add(join(inFlight.removeFirst()));
        }
        return done;
    }

    /** Every page still in flight, in order. */
    List<List<BundleManifest.Key>> drain() {
        List<List<BundleManifest.Key>> done = new ArrayList<>();
        while (!inFlight.isEmpty()) {
            done.add(join(inFlight.removeFirst()));
        }
        return done;
    }

    private static List<BundleManifest.Key> join(CompletableFuture<List<BundleManifest.Key>> f) {
        try {
            return f.join();
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

    /** Waits for the pages in flight (their results are dropped when not taken), then closes the sessions opened here. */
    @Override
    public void close() {
        if (threads == null) {
            return;
        }
        threads.shutdown();
        try {
            if (!threads.awaitTermination(5, TimeUnit.MINUTES)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
        for (Session s : opened) {
            s.close();
        }
    }
}
