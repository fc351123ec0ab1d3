package org.hsmc.app.gui;

import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.hsmc.pkcs11.CallingThreadPolicy;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The console's window. Arguments: {@code --home DIR} (the console's data directory; default
 * $HSMC_HOME, else the demo home), {@code --demo} (create the demo home when it is missing),
 * {@code --lang en|zh}, {@code --examples DIR} (the folder of ceremony scripts offered by the wizard).
 */
public final class ConsoleApp extends Application {

    private MainWindow window;

    public static void main(String[] args) {
        launch(ConsoleApp.class, args);
    }

    @Override
    public void init() {
        // the UI thread never waits for a token or the store: both refuse it
        CallingThreadPolicy.forbid(t -> "JavaFX Application Thread".equals(t.getName()));
    }

    @Override
    public void start(Stage stage) {
        Options o = Options.parse(getParameters().getRaw());
        window = new MainWindow(o, new I18n(o.locale()), new BackgroundTasks());
        show(stage, window);
        window.start();
    }

    /** The theme, the window's scene and its style sheet (tests use this too). */
    static void show(Stage stage, MainWindow window) {
        // the size the screens are made for, but never more than the screen has (a 1024 x 768 display gets all of it)
        javafx.geometry.Rectangle2D screen = javafx.stage.Screen.getPrimary().getVisualBounds();
        show(stage, window, Math.min(PREFERRED_WIDTH, screen.getWidth()), Math.min(PREFERRED_HEIGHT, screen.getHeight()));
    }

    static final double PREFERRED_WIDTH = 1180;
    static final double PREFERRED_HEIGHT = 780;

    /** The window at {@code width} x {@code height} (tests use 1024 x 768, the smallest screen the console supports). */
    static void show(Stage stage, MainWindow window, double width, double height) {
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        Scene scene = new Scene(window.root(), width, height);
        scene.getStylesheets().add(ConsoleApp.class.getResource("console.css").toExternalForm());
        stage.setTitle(window.i18n().t("app.title"));
        stage.setScene(scene);
        window.installAccelerators(scene);
        // a change made from the command line while the window was in the background shows when it comes back
        stage.focusedProperty().addListener((o, was, now) -> {
            if (now) {
                window.refreshStatus();
            }
        });
        stage.show();
    }

    @Override
    public void stop() {
        if (window != null) {
            window.close();
        }
    }

    /** The command-line options of the window. */
    public record Options(Path home, boolean demo, Locale locale, Path examples) {
        static Options parse(List<String> args) {
            Path home = null;
            boolean demo = false;
            Locale locale = Locale.getDefault();
            Path examples = null;
            for (int i = 0; i < args.size(); i++) {
                switch (args.get(i)) {
                    case "--home" -> home = Path.of(args.get(++i));
                    case "--demo" -> demo = true;
                    case "--lang" -> locale = Locale.forLanguageTag(args.get(++i));
                    case "--examples" -> examples = Path.of(args.get(++i));
                    default -> throw new IllegalArgumentException("unknown option " + args.get(i)
                            + " (use --home DIR, --demo, --lang en|zh, --examples DIR)");
                }
            }
            if (home == null) {
                String env = System.getenv("HSMC_HOME");
                String xdg = System.getenv("XDG_DATA_HOME");
                home = env != null && !env.isBlank() ? Path.of(env)
                        : (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share"))
                        .resolve("hsmc-demo");
            }
            if (examples == null) {
                String prop = System.getProperty("hsmc.examples");
                examples = prop != null ? Path.of(prop) : Path.of("examples", "ceremonies");
            }
            return new Options(home.toAbsolutePath(), demo, locale, examples.toAbsolutePath());
        }
    }
}
