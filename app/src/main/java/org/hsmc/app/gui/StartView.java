package org.hsmc.app.gui;

import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.hsmc.ceremony.keys.KeyRecords;
import org.hsmc.ceremony.run.RunJournal;
import org.hsmc.ceremony.run.RunRecord;
import org.hsmc.pkcs11.Capabilities;
import org.hsmc.pkcs11.Token;
import org.hsmc.pkcs11.TokenDescription;

import java.util.ArrayList;
import java.util.List;

/**
 * Start: the site, the HSM (module, token, mechanisms, login state), the cards present, the master
 * key, and, first of all, any interrupted ceremony with resume and abort.
 */
final class StartView implements MainWindow.View {

    private final MainWindow w;
    private final I18n i18n;
    private final VBox box = new VBox(14);
    private final VBox interrupted = new VBox(8);
    private final GridPane facts = new GridPane();
    private final Label cards = new Label();
    private final Label next = new Label();

    StartView(MainWindow w) {
        this.w = w;
        this.i18n = w.i18n();
        box.setPadding(new Insets(20));
        interrupted.setId("interrupted-runs");
        facts.setHgap(16);
        facts.setVgap(6);
        facts.setId("hsm-facts");
        cards.setId("cards-present");
        Fit.wrap(cards);
        next.setId("start-next");
        next.getStyleClass().add("title-4");
        Fit.wrap(next);
        Label h = new Label(i18n.t("start.heading"));
        h.getStyleClass().add("title-3");
        box.getChildren().addAll(interrupted, next, h, facts, new Label(i18n.t("start.cards")), cards);
    }

    @Override
    public Node node() {
        return box;
    }

    record Facts(String site, String module, TokenDescription token, boolean loggedIn, Capabilities caps, List<String> cards,
                 String lmk, long keys, List<RunRecord> interrupted, boolean initialised, long zones, List<String> missing) {
    }

    @Override
    public Node focusTarget() {
        return interrupted.getChildren().stream().flatMap(n -> n instanceof HBox h ? h.getChildren().stream() : java.util.stream.Stream.of())
                .filter(n -> n instanceof Button).findFirst().orElse(null);
    }

    @Override
    public void refresh() {
        ConsoleSession s = w.session();
        w.tasks().run(() -> {
            Token hsm = s.hsm();
            var d = hsm.module().description();
            return new Facts(s.site(), d.path() + " (" + d.manufacturer() + " " + d.libraryVersion() + ")", hsm.description(),
                    hsm.isLoggedIn(), hsm.capabilities(), s.cardLabels(),
                    s.store().read(KeyRecords::activeMasterKey).map(k -> k.label() + "  KCV " + k.kcv()).orElse(i18n.t("start.none")),
                    s.store().read(KeyRecords::countWorkingKeys),
                    unresolved(new RunJournal(s.store(), s.audit(), s.clock())),
                    s.quorumRule("initialize").isPresent() || s.store().read(KeyRecords::activeMasterKey).isPresent(),
                    s.store().read(KeyRecords::zones).size(),
                    hsm.missingForHsm()); // mechanisms, and the RFC 5649 wrap judged by what the token does (ADR 13)
        }, this::show, e -> w.status(MainWindow.message(e)));
    }

    /** Runs that need a decision: the interrupted ones, and the failed ones (each can be resumed or aborted). */
    static List<RunRecord> unresolved(RunJournal journal) {
        List<RunRecord> out = new ArrayList<>(journal.interrupted());
        for (RunRecord r : journal.recent(50)) {
            if (r.state() == org.hsmc.ceremony.run.RunState.FAILED && out.stream().noneMatch(x -> x.id().equals(r.id()))) {
                out.add(r);
            }
        }
        return out;
    }

    /** What to do next, in the order a new console is brought up. */
    private String nextStep(Facts f) {
        if (!f.interrupted().isEmpty()) {
            return i18n.t("start.next.resolve");
        }
        if (!f.initialised()) {
            return i18n.t("start.next", Words.type(i18n, "initialize"));
        }
        if (f.lmk().equals(i18n.t("start.none"))) {
            return i18n.t("start.next", Words.type(i18n, "generate-master-key"));
        }
        if (f.zones() == 0) {
            return i18n.t("start.next", Words.type(i18n, "generate-zone-master-key"));
        }
        if (f.keys() == 0) {
            return i18n.t("start.next", Words.type(i18n, "generate-working-keys"));
        }
        return i18n.t("start.next.running");
    }

    private void show(Facts f) {
        next.setText(nextStep(f));
        facts.getChildren().clear();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {i18n.t("start.site"), f.site()});
        rows.add(new String[] {i18n.t("start.module"), f.module()});
        rows.add(new String[] {i18n.t("start.token"), "'" + f.token().label() + "'  " + f.token().manufacturer() + " "
                + f.token().model() + "  " + i18n.t("start.serial", f.token().serialNumber())});
        rows.add(new String[] {i18n.t("start.login"), f.loggedIn() ? i18n.t("start.logged_in") : i18n.t("start.logged_out")});
        List<String> missing = f.missing();
        rows.add(new String[] {i18n.t("start.mechanisms"), missing.isEmpty() ? i18n.t("start.mechanisms_ok", f.caps().mechanisms().size())
                : i18n.t("start.mechanisms_missing", String.join(", ", missing))});
        rows.add(new String[] {i18n.t("start.lmk"), f.lmk()});
        rows.add(new String[] {i18n.t("start.keys"), Long.toString(f.keys())});
        for (int i = 0; i < rows.size(); i++) {
            Label k = new Label(rows.get(i)[0]);
            k.getStyleClass().add("text-muted");
            String value = rows.get(i)[1];
            // a short value keeps its width; a long one wraps
            Label v = value.length() < 40 ? Fit.whole(new Label(value)) : Fit.wrap(new Label(value));
            v.setId("fact-" + i);
            facts.addRow(i, k, v);
        }
        cards.setText(f.cards().isEmpty() ? i18n.t("start.no_cards") : String.join(",  ", f.cards()));
        interrupted.getChildren().clear();
        if (!f.interrupted().isEmpty()) {
            Label h = Fit.wrap(new Label(i18n.t("start.interrupted", f.interrupted().size())));
            h.getStyleClass().addAll("title-3", "danger");
            interrupted.getChildren().add(h);
            for (RunRecord r : f.interrupted()) {
                Button resume = MainWindow.button(i18n.t("start.resume"), "resume-" + r.id(), () -> {
                    w.showCeremonies();
                    w.ceremonyView().resume(r);
                });
                Button abort = MainWindow.button(i18n.t("start.abort"), "abort-" + r.id(), () -> {
                    w.showCeremonies();
                    w.ceremonyView().abort(r);
                });
                Label what = Fit.wrap(new Label(i18n.t("start.run_line", Words.type(i18n, r.type()), Words.runState(i18n, r.state()),
                        r.title(), r.startedAt())));
                what.setId("unresolved-" + r.id());
                Label why = Fit.wrap(new Label(r.failure() == null ? "" : Words.failure(i18n, r.failure())));
                why.getStyleClass().add("text-muted");
                HBox.setHgrow(what, javafx.scene.layout.Priority.ALWAYS);
                HBox line = new HBox(10, new VBox(2, what, why), resume, abort);
                interrupted.getChildren().add(line);
            }
            Label how = Fit.wrap(new Label(i18n.t("start.interrupted_how")));
            how.getStyleClass().add("text-muted");
            interrupted.getChildren().add(how);
            Node first = focusTarget();
            if (first != null) {
                first.requestFocus();
            }
        }
    }
}
