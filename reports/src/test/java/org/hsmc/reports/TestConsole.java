package org.hsmc.reports;

import org.hsmc.ceremony.custody.QuorumRefusal;
import org.hsmc.ceremony.custody.QuorumSession;
import org.hsmc.ceremony.run.CeremonyConsole;
import org.hsmc.ceremony.run.StepRecord;
import org.hsmc.pkcs11.Token;
import org.hsmc.reports.pdf.FontFiles;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The people in the room, scripted for the report tests. When the engine hands over a key component,
 * this console does what the real one does: it prints the component form (here in both languages)
 * with {@link ComponentForms}; unlike the real one it also keeps a copy of the value, so that the
 * tests can check the form against it.
 */
final class TestConsole implements CeremonyConsole {

    /** A card presented with a PIN (possibly a wrong one). */
    record Presentation(String label, String pin) {
    }

    /** A component handed over, with its forms. */
    record Delivered(ComponentDelivery delivery, byte[] value, byte[] formEn, byte[] formZh) {
    }

    static final Instant PRINTED_AT = Instant.parse("2026-11-23T10:00:00Z");

    final Function<String, Token> cards;
    final Map<String, String> transportPins = new HashMap<>();
    final Map<String, String> pins = new HashMap<>();
    final Map<String, Deque<String>> typed = new HashMap<>();
    final List<Delivered> delivered = new ArrayList<>();
    final List<String> refusals = new ArrayList<>();
    String hsmPin;
    private final Deque<Presentation> quorum = new ArrayDeque<>();

    TestConsole(Function<String, Token> cards) {
        this.cards = cards;
    }

    /** The card token of a demo label (demo-card-N). */
    Token cardByLabel(String label) {
        return cards.apply(label);
    }

    /** The cards of the next quorum, each with its own PIN. */
    TestConsole quorum(String... labels) {
        quorum.clear();
        for (String l : labels) {
            quorum.add(new Presentation(l, pins.get(l)));
        }
        return this;
    }

    /** A card presented with a wrong PIN before the others. */
    TestConsole wrongPinFirst(String label) {
        quorum.addFirst(new Presentation(label, "wrong-" + pins.get(label)));
        return this;
    }

    @Override
    public Optional<CardAndPin> nextCard(QuorumSession q) {
        Presentation p = quorum.poll();
        return p == null ? Optional.empty() : Optional.of(new CardAndPin(cards.apply(p.label()), p.pin().toCharArray()));
    }

    @Override
    public void refused(QuorumRefusal refusal) {
        refusals.add(refusal.kind() + ": " + refusal.getMessage());
    }

    @Override
    public void approved(QuorumSession.Approval approval, int have, int need) {
    }

    @Override
    public void step(int number, String name, StepRecord.State state, String result) {
    }

    @Override
    public void progress(String step, long done, long total) {
    }

    @Override
    public void deliverComponent(ComponentDelivery d) {
        FontFiles fonts = FontFiles.locate();
        byte[] en = ComponentForms.render(d, ReportLanguage.EN, PRINTED_AT, fonts);
        byte[] zh = ComponentForms.render(d, ReportLanguage.ZH, PRINTED_AT, fonts);
        delivered.add(new Delivered(d, d.value().clone(), en, zh));
    }

    @Override
    public char[] typeComponent(ComponentRequest r) {
        return typed.get(r.keyId()).poll().toCharArray();
    }

    @Override
    public char[] hsmUserPin(String tokenLabel) {
        return hsmPin.toCharArray();
    }

    @Override
    public EnrolmentPins enrolmentPins(String custodian, String cardLabel) {
        return new EnrolmentPins(transportPins.get(cardLabel).toCharArray(), pins.get(cardLabel).toCharArray());
    }

    /** The cards' security officer PIN (unblock-card). */
    String soPin;

    @Override
    public EnrolmentPins unblockPins(String custodian, String cardLabel) {
        return new EnrolmentPins(soPin.toCharArray(), pins.get(cardLabel).toCharArray());
    }

    @Override
    public char[] checkPin(String custodian, String cardLabel) {
        return pins.get(cardLabel).toCharArray();
    }
}
