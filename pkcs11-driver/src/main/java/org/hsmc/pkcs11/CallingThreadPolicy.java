package org.hsmc.pkcs11;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * Which threads may call the token. The console's UI thread must never wait for an HSM, so the
 * application (and its tests) forbid it here; every PKCS#11 call then checks the calling thread and
 * fails loudly when it is forbidden. The default allows every thread.
 *
 * <p>The system property {@code hsmc.forbiddenThreads} (comma-separated thread names) sets the
 * policy at start-up, e.g. {@code -Dhsmc.forbiddenThreads="JavaFX Application Thread"}.
 */
public final class CallingThreadPolicy {

    private static volatile Predicate<Thread> forbidden = fromProperty(System.getProperty("hsmc.forbiddenThreads", ""));

    private CallingThreadPolicy() {
    }

    /** Forbids calls from threads matching {@code predicate}; replaces any earlier policy. */
    public static void forbid(Predicate<Thread> predicate) {
        forbidden = Objects.requireNonNull(predicate);
    }

    /** Allows every thread again. */
    public static void allowAll() {
        forbidden = t -> false;
    }

    /** Throws when the current thread may not call the token. */
    public static void check(String operation) {
        Thread t = Thread.currentThread();
        if (forbidden.test(t)) {
            throw new IllegalStateException(operation + " was called on thread '" + t.getName()
                    + "', which must never call the token (it would freeze the screen). Run it as a background task.");
        }
    }

    private static Predicate<Thread> fromProperty(String names) {
        if (names.isBlank()) {
            return t -> false;
        }
        java.util.Set<String> set = java.util.Set.of(names.split("\\s*,\\s*"));
        return t -> set.contains(t.getName());
    }
}
