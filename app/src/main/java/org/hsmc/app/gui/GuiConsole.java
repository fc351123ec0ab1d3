package org.hsmc.app.gui;

import javafx.application.Platform;
import org.hsmc.app.cli.ComponentText;
import org.hsmc.app.cli.FormPrinter;
import org.hsmc.ceremony.custody.QuorumRefusal;
import org.hsmc.ceremony.custody.QuorumSession;
import org.hsmc.ceremony.run.CeremonyConsole;
import org.hsmc.ceremony.run.StepRecord;
import org.hsmc.reports.ReportLanguage;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * The engine's view of the people in the room, on the screen. The engine calls it from the ceremony
 * thread; each question is put on the screen (on the JavaFX thread) and the ceremony thread waits
 * for the answer. Tokens are looked up here, on the ceremony thread, never on the JavaFX thread.
 */
final class GuiConsole implements CeremonyConsole {

    /** What the screen must do; implemented by {@link CeremonyView}. */
    interface Screen {
        void askCard(QuorumView view, CompletableFuture<Optional<LabelAndPin>> answer);

        void refused(QuorumRefusal refusal);

        /** A PIN typed at a prompt was not accepted; the same prompt comes again when it may be retried. */
        void pinRefused(org.hsmc.ceremony.run.PinRefusal refusal);

        void approved(QuorumSession.Approval approval, int have, int need);

        void step(int number, String name, StepRecord.State state, String result);

        void progress(String step, long done, long total);

        void confirmStep(int number, String name, CompletableFuture<Boolean> answer);

        void askPin(String prompt, CompletableFuture<char[]> answer);

        void askEnrolment(String custodian, String card, CompletableFuture<EnrolmentPins> answer);

        /** unblock-card: the card's security officer PIN and the holder's new PIN (twice). */
        void askUnblock(String custodian, String card, CompletableFuture<EnrolmentPins> answer);

        /** A component's form was printed ({@code where}: a printer, a rehearsal file). */
        void formPrinted(FormPrinter.Form form, String where);

        /** Shows the component to its holder once, on request; {@code groups} is wiped when {@code done} completes. */
        void showComponent(ComponentDelivery delivery, char[] groups, CompletableFuture<Boolean> done);

        void askComponent(ComponentRequest request, CompletableFuture<char[]> answer);
    }

    /** What the quorum panel shows. */
    record QuorumView(String operation, int required, int have, String policy, List<String> approvals, List<String> cards,
                      java.util.Map<String, String> holders, List<String> mayApprove) {
    }

    /** A card label chosen on the screen and the PIN typed. */
    record LabelAndPin(String label, char[] pin) {
    }

    private final ConsoleSession session;
    private final Screen screen;
    private final I18n i18n;
    private final FormPrinter printer;

    GuiConsole(ConsoleSession session, Screen screen, I18n i18n, FormPrinter printer) {
        this.session = session;
        this.screen = screen;
        this.i18n = i18n;
        this.printer = printer;
    }

    private <T> T ask(Consumer<CompletableFuture<T>> post) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        Platform.runLater(() -> post.accept(answer));
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(i18n.t("ceremony.interrupted"), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(MainWindow.message(e), e);
        }
    }

    @Override
    public Optional<CardAndPin> nextCard(QuorumSession quorum) {
        List<String> approvals = quorum.approvals().stream().map(a -> a.holder().name() + " (" + a.serial() + ")").toList();
        // who may still approve: the holders of the quorum's cards whose role the rule allows, less those who already have
        java.util.Set<String> done = new java.util.HashSet<>();
        quorum.approvals().forEach(a -> done.add(a.holder().name()));
        List<String> may = session.quorumRule(quorum.operation()).map(r -> r.holders().stream()
                .filter(h -> quorum.policy().allowedRoles().stream().anyMatch(role -> role.name().equals(h.role())))
                .filter(h -> !done.contains(h.name()))
                .map(h -> i18n.t("quorum.holder", h.name(), Words.role(i18n, h.role()), h.card())).toList()).orElse(List.of());
        QuorumView view = new QuorumView(quorum.operation(), quorum.required(), quorum.approvals().size(), quorum.policy().text(),
                approvals, session.cardLabels(), session.cardHolders(), may);
        Optional<LabelAndPin> chosen = this.<Optional<LabelAndPin>>ask(f -> screen.askCard(view, f));
        return chosen.map(c -> new CardAndPin(session.card(c.label()), c.pin()));
    }

    @Override
    public void refused(QuorumRefusal refusal) {
        Platform.runLater(() -> screen.refused(refusal));
    }

    /**
     * A wrong PIN keeps the step open: the refusal is shown (its words, the tries left, the technical code on
     * a details line) and, while the card may be tried again, the same prompt asks again. A locked card stops
     * the run, which Start then offers to resume or abort.
     */
    @Override
    public boolean pinRefused(org.hsmc.ceremony.run.PinRefusal refusal) {
        Platform.runLater(() -> screen.pinRefused(refusal));
        return refusal.mayRetry();
    }

    @Override
    public void approved(QuorumSession.Approval approval, int have, int need) {
        Platform.runLater(() -> screen.approved(approval, have, need));
    }

    @Override
    public boolean confirmStep(int number, String name) {
        return this.<Boolean>ask(f -> screen.confirmStep(number, name, f));
    }

    @Override
    public void step(int number, String name, StepRecord.State state, String result) {
        Platform.runLater(() -> screen.step(number, name, state, result));
    }

    @Override
    public void progress(String step, long done, long total) {
        Platform.runLater(() -> screen.progress(step, done, total));
    }

    /**
     * Prints the component's form first (on this, the ceremony thread: rendering, and the print dialog's
     * wait), then offers to show the component once to its holder. The digits live in a {@code char[]}
     * that is wiped when the holder is done.
     */
    @Override
    public void deliverComponent(ComponentDelivery d) {
        ReportLanguage language = i18n.locale().getLanguage().equals("zh") ? ReportLanguage.ZH : ReportLanguage.EN;
        String where = ComponentText.printForm(d, language, printer, Instant.now());
        FormPrinter.Form form = ComponentText.form(d);
        Platform.runLater(() -> screen.formPrinted(form, where));
        char[] groups = ComponentText.groups(d.value(), 8);
        try {
            this.<Boolean>ask(f -> screen.showComponent(d, groups, f));
        } finally {
            Arrays.fill(groups, '\0');
        }
    }

    @Override
    public char[] typeComponent(ComponentRequest r) {
        return this.<char[]>ask(f -> screen.askComponent(r, f));
    }

    @Override
    public char[] hsmUserPin(String tokenLabel) {
        return this.<char[]>ask(f -> screen.askPin(i18n.t("prompt.hsm_pin", tokenLabel), f));
    }

    @Override
    public EnrolmentPins enrolmentPins(String custodian, String cardLabel) {
        return this.<EnrolmentPins>ask(f -> screen.askEnrolment(custodian, cardLabel, f));
    }

    @Override
    public EnrolmentPins unblockPins(String custodian, String cardLabel) {
        return this.<EnrolmentPins>ask(f -> screen.askUnblock(custodian, cardLabel, f));
    }

    @Override
    public char[] checkPin(String custodian, String cardLabel) {
        return this.<char[]>ask(f -> screen.askPin(i18n.t("prompt.check_pin", custodian, cardLabel), f));
    }
}
