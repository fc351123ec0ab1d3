package org.hsmc.app.gui;

import javafx.application.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The one way the screens get work done off the JavaFX thread: the token and the store are only
 * ever called from these named daemon threads, and results come back on the JavaFX thread. Two
 * threads: one for a running ceremony (which may wait for people), one for everything quick.
 */
public final class BackgroundTasks implements Tasks {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundTasks.class);
    private final AtomicInteger counter = new AtomicInteger();
    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "hsmc-task-" + counter.incrementAndGet());
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((th, e) -> LOG.error("uncaught in {}", th.getName(), e));
        return t;
    });

    /** Runs {@code work} in the background; {@code onSuccess} or {@code onError} then run on the JavaFX thread. */
    @Override
    public <T> void run(Callable<T> work, Consumer<T> onSuccess, Consumer<Throwable> onError) {
        executor.submit(() -> {
            try {
                T value = work.call();
                Platform.runLater(() -> onSuccess.accept(value));
            } catch (Throwable e) {
                LOG.debug("background task failed", e);
                Platform.runLater(() -> onError.accept(e));
            }
        });
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
