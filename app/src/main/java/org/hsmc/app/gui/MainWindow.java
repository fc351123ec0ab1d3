package org.hsmc.app.gui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.hsmc.app.cli.ConsoleAccess;
import org.hsmc.ceremony.audit.AuditVerification;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;

/**
 * The window: the navigation on the left (Start, Dashboard, Ceremonies, Audit), the audit log's
 * badge on every screen, and the screen in the middle. Opening the home happens in the background.
 */
public final class MainWindow {

    /** The navigation column's width: wide enough for the longest label in both languages. */
    static final double NAV_WIDTH = 190;
    private final ConsoleApp.Options options;
    private final I18n i18n;
    private final Tasks tasks;
    private final BorderPane root = new BorderPane();
    private final Label badge = new Label();
    private final Label status = new Label();
    private final Label rehearsal = new Label();
    private final ToggleGroup nav = new ToggleGroup();
    private ConsoleSession session;
    private StartView startView;
    private DashboardView dashboardView;
    private CeremonyView ceremonyView;
    private AuditView auditView;
    private ReportsView reportsView;

    MainWindow(ConsoleApp.Options options, I18n i18n, Tasks tasks) {
        this.options = options;
        this.i18n = i18n;
        this.tasks = tasks;
        badge.setId("audit-badge");
        badge.getStyleClass().add("badge");
        status.setId("status-line");
        status.setWrapText(true);
        status.setMinHeight(Region.USE_PREF_SIZE);
        Label title = new Label(i18n.t("app.title"));
        title.getStyleClass().add("app-title");
        title.setMinWidth(Region.USE_PREF_SIZE);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        rehearsal.setId("rehearsal-banner");
        rehearsal.getStyleClass().add("rehearsal-banner");
        rehearsal.setVisible(false);
        rehearsal.setManaged(false);
        // on a narrow window the banner wraps rather than pushing the badge out of sight
        Fit.wrap(rehearsal);
        rehearsal.setMinWidth(120);
        badge.setMinWidth(Region.USE_PREF_SIZE);
        HBox top = new HBox(12, title, rehearsal, spacer, badge);
        top.setAlignment(Pos.CENTER_LEFT);
        top.setPadding(new Insets(10, 16, 10, 16));
        top.getStyleClass().add("top-bar");
        root.setTop(top);
        VBox left = new VBox(6, navButton("nav.start", "nav-start", () -> show(startView)),
                navButton("nav.dashboard", "nav-dashboard", () -> show(dashboardView())),
                navButton("nav.ceremonies", "nav-ceremonies", () -> show(ceremonyView())),
                navButton("nav.audit", "nav-audit", () -> show(auditView())),
                navButton("nav.reports", "nav-reports", () -> show(reportsView())));
        Label keys = new Label(i18n.t("nav.keys_hint"));
        keys.getStyleClass().addAll("text-muted", "nav-hint");
        keys.setWrapText(true);
        keys.setMaxWidth(NAV_WIDTH - 20);
        keys.setMinHeight(Region.USE_PREF_SIZE);
        left.getChildren().add(keys);
        left.setPrefWidth(NAV_WIDTH);
        left.setMaxWidth(NAV_WIDTH);
        left.setMinWidth(NAV_WIDTH);
        left.setPadding(new Insets(16, 8, 16, 12));
        left.getStyleClass().add("nav");
        root.setLeft(left);
        HBox bottom = new HBox(status);
        bottom.setPadding(new Insets(6, 16, 6, 16));
        bottom.getStyleClass().add("status-bar");
        root.setBottom(bottom);
        root.setCenter(new Label(i18n.t("start.opening", options.home())));
        badge.setText(i18n.t("audit.badge.unknown"));
    }

    private ToggleButton navButton(String key, String id, Runnable action) {
        ToggleButton b = new ToggleButton(i18n.t(key));
        b.setId(id);
        b.setToggleGroup(nav);
        b.setMaxWidth(Double.MAX_VALUE);
        b.setMnemonicParsing(true);
        b.setOnAction(e -> {
            b.setSelected(true);
            if (session != null) {
                action.run();
            }
        });
        return b;
    }

    Parent root() {
        return root;
    }

    I18n i18n() {
        return i18n;
    }

    Tasks tasks() {
        return tasks;
    }

    ConsoleSession session() {
        return session;
    }

    ConsoleApp.Options options() {
        return options;
    }

    /** Opens the home in the background (making the demo home first when asked), then shows Start. */
    void start() {
        status(i18n.t("start.opening", options.home()));
        tasks.run(() -> {
            if (options.demo()) {
                ConsoleAccess.ensureDemo(options.home(), new PrintWriter(new StringWriter()));
            }
            ConsoleSession opened = ConsoleSession.open(options.home());
            Preload.classes();
            return opened;
        }, s -> {
            session = s;
            // the other screens are made when first opened: one UI pulse never builds all five (fx_max_stall_ms, ADR 9)
            startView = new StartView(this);
            ((ToggleButton) nav.getToggles().getFirst()).setSelected(true);
            show(startView);
            if (s.formsToRehearsalFolder()) {
                rehearsal.setText(i18n.t("rehearsal.banner"));
                rehearsal.setVisible(true);
                rehearsal.setManaged(true);
            }
            refreshBadge();
            status(i18n.t("start.ready", s.home()));
        }, e -> {
            Label l = new Label(i18n.t("start.cannot_open", options.home(), message(e)));
            l.setWrapText(true);
            l.setId("open-error");
            root.setCenter(pad(l));
            status(message(e));
        });
    }

    private View current;

    void show(View v) {
        current = v;
        root.setCenter(v.node());
        v.refresh();
    }

    private Optional<View> current() {
        return Optional.ofNullable(current);
    }

    void showCeremonies() {
        nav.getToggles().get(2).setSelected(true);
        show(ceremonyView());
    }

    /** The Reports screen with the ceremony report of {@code runId} previewed. */
    void showReports(String runId) {
        nav.getToggles().get(4).setSelected(true);
        reportsView().showRun(runId);
        show(reportsView());
    }

    /**
     * Ctrl+1 … Ctrl+5 open the screens (as do the underlined letters with Alt), whatever has the focus; installed
     * once the window has its scene.
     */
    void installAccelerators(javafx.scene.Scene scene) {
        for (int i = 0; i < nav.getToggles().size(); i++) {
            ToggleButton b = (ToggleButton) nav.getToggles().get(i);
            javafx.scene.input.KeyCode digit = javafx.scene.input.KeyCode.valueOf("DIGIT" + (i + 1));
            scene.getAccelerators().put(new javafx.scene.input.KeyCodeCombination(digit, javafx.scene.input.KeyCombination.SHORTCUT_DOWN),
                    () -> {
                        b.fire();
                        b.requestFocus();
                        if (root.getCenter() != null) {
                            javafx.application.Platform.runLater(() -> current().map(View::focusTarget)
                                    .ifPresent(Node::requestFocus));
                        }
                    });
        }
    }

    ReportsView reportsView() {
        if (reportsView == null) {
            reportsView = new ReportsView(this);
        }
        return reportsView;
    }

    DashboardView dashboardView() {
        if (dashboardView == null) {
            dashboardView = new DashboardView(this);
        }
        return dashboardView;
    }

    AuditView auditView() {
        if (auditView == null) {
            auditView = new AuditView(this);
        }
        return auditView;
    }

    CeremonyView ceremonyView() {
        if (ceremonyView == null) {
            ceremonyView = new CeremonyView(this);
        }
        return ceremonyView;
    }

    /**
     * After a run, and when the window gets the focus back (a change may have been made from the command line): the
     * badge is verified again and the screen shown reloads its data; a ceremony screen keeps what it shows.
     */
    void refreshStatus() {
        if (session == null) {
            return;
        }
        refreshBadge();
        if (current != null && current != ceremonyView) {
            current.refresh();
        }
    }

    /** The rehearsal banner's text, empty at a real site (tests). */
    String rehearsalBanner() {
        return rehearsal.isVisible() ? rehearsal.getText() : "";
    }

    /** Verifies the audit log in the background and shows the result on the badge. */
    void refreshBadge() {
        tasks.run(() -> session.audit().verify(Optional.empty()), this::showBadge, e -> {
            badge.setText(i18n.t("audit.badge.error"));
            badge.getStyleClass().setAll("badge", "badge-broken");
        });
    }

    void showBadge(AuditVerification v) {
        if (v.intact()) {
            badge.setText(i18n.t("audit.badge.verified", v.entriesChecked()));
            badge.getStyleClass().setAll("badge", "badge-ok");
        } else {
            badge.setText(i18n.t("audit.badge.broken", v.message()));
            badge.getStyleClass().setAll("badge", "badge-broken");
        }
    }

    void status(String text) {
        status.setText(text);
    }

    static String message(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        if (t instanceof org.hsmc.pkcs11.Pkcs11Exception p) {
            return p.userMessage();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    static Node pad(Node n) {
        VBox box = new VBox(n);
        box.setPadding(new Insets(20));
        return box;
    }

    static Button button(String text, String id, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setOnAction(e -> action.run());
        return b;
    }

    void close() {
        tasks.close();
        if (session != null) {
            ConsoleSession s = session;
            session = null;
            Thread closer = new Thread(s::close, "hsmc-close");
            closer.start();
            try {
                closer.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A screen. */
    interface View {
        Node node();

        /** Reloads the screen's data in the background. */
        void refresh();

        /** The control that gets the focus when the screen is opened from the keyboard (Ctrl+1 … Ctrl+5). */
        default Node focusTarget() {
            return null;
        }
    }
}
