package org.hsmc.ceremony.run;

import org.hsmc.ceremony.custody.QuorumRefusal;
import org.hsmc.ceremony.custody.QuorumSession;
import org.hsmc.pkcs11.Token;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The people in the room, scripted for tests: which cards come, with which PINs, and what they type. */
class ScriptedConsole implements CeremonyConsole {

    final Function<String, Token> cards;
    final Map<String, String> transportPins = new HashMap<>();
    final Map<String, String> pins = new HashMap<>();
    final List<String> quorumCards = new ArrayList<>();
    final Map<String, List<String>> typedComponents = new HashMap<>();
    final List<ComponentDelivery> delivered = new ArrayList<>();
    final List<QuorumRefusal> refusals = new ArrayList<>();
    final List<String> steps = new ArrayList<>();
    /** Every progress report: "step done/total". */
    final List<String> progress = new ArrayList<>();
    String hsmPin;
    private int cursor;
    private final Map<String, Integer> typedCursor = new HashMap<>();

    ScriptedConsole(Function<String, Token> cards) {
        this.cards = cards;
    }

    ScriptedConsole quorum(String... labels) {
        quorumCards.clear();
        quorumCards.addAll(List.of(labels));
        cursor = 0;
        return this;
    }

    @Override
    public Optional<CardAndPin> nextCard(QuorumSession quorum) {
        if (cursor >= quorumCards.size()) {
            return Optional.empty();
        }
        String label = quorumCards.get(cursor++);
        return Optional.of(new CardAndPin(cards.apply(label), pins.get(label).toCharArray()));
    }

    @Override
    public void refused(QuorumRefusal refusal) {
        refusals.add(refusal);
    }

    @Override
    public void approved(QuorumSession.Approval approval, int have, int need) {
    }

    @Override
    public void step(int number, String name, StepRecord.State state, String result) {
        steps.add(number + " " + state + " " + name + (result == null ? "" : " = " + result));
    }

    @Override
    public void progress(String step, long done, long total) {
        progress.add(step + " " + done + "/" + total);
    }

    @Override
    public void deliverComponent(ComponentDelivery d) {
        // a test keeps a copy to check it; the real console prints and forgets
        delivered.add(new ComponentDelivery(d.runId(), d.zone(), d.keyId(), d.version(), d.index(), d.count(), d.holder(),
                d.value().clone(), d.componentKcv(), d.combinedKcv()));
    }

    @Override
    public char[] typeComponent(ComponentRequest r) {
        List<String> list = typedComponents.get(r.keyId());
        int n = typedCursor.merge(r.keyId(), 1, Integer::sum) - 1;
        return list.get(Math.min(n, list.size() - 1)).toCharArray();
    }

    @Override
    public char[] hsmUserPin(String tokenLabel) {
        return hsmPin.toCharArray();
    }

    @Override
    public EnrolmentPins enrolmentPins(String custodian, String cardLabel) {
        return new EnrolmentPins(transportPins.get(cardLabel).toCharArray(), pins.get(cardLabel).toCharArray());
    }

    @Override
    public char[] checkPin(String custodian, String cardLabel) {
        return pins.get(cardLabel).toCharArray();
    }
}
