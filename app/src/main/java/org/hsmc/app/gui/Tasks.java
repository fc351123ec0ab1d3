package org.hsmc.app.gui;

import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * How the screens get work done: {@code work} somewhere, then {@code onSuccess} or {@code onError} where the screens
 * live. The window uses {@link BackgroundTasks} (named daemon threads, results on the JavaFX thread); tests of screen
 * logic that touches neither a token nor the store use {@link SameThreadTasks}, so they need no waiting at all.
 */
interface Tasks extends AutoCloseable {

    <T> void run(Callable<T> work, Consumer<T> onSuccess, Consumer<Throwable> onError);

    @Override
    void close();
}
