package org.hsmc.app.gui;

/**
 * The entry point of the console's window. It is not the {@link javafx.application.Application}
 * itself, so that the window also starts with JavaFX on the class path (the JDK's launcher refuses
 * an Application main class whose JavaFX modules are not on the module path).
 */
public final class ConsoleMain {

    private ConsoleMain() {
    }

    public static void main(String[] args) {
        ConsoleApp.main(args);
    }
}
