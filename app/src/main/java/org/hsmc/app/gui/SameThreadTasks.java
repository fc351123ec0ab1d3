package org.hsmc.app.gui;

import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Runs the work and then its handler at once, on the calling thread. For tests of screen logic whose work touches
 * neither a token nor the store (those refuse the JavaFX thread): a parameter form's check, a layout.
 */
final class SameThreadTasks implements Tasks {

    @Override
    public <T> void run(Callable<T> work, Consumer<T> onSuccess, Consumer<Throwable> onError) {
        T value;
        try {
            value = work.call();
        } catch (Exception e) {
            onError.accept(e);
            return;
        }
        onSuccess.accept(value);
    }

    @Override
    public void close() {
        // nothing runs in the background
    }
}
