package org.hsmc.ceremony.run;

import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.custody.Card;
import org.hsmc.ceremony.custody.CardSet;
import org.hsmc.ceremony.custody.Custodian;
import org.hsmc.ceremony.custody.CustodyChange;
import org.hsmc.ceremony.custody.CustodyException;
import org.hsmc.ceremony.custody.QuorumPolicy;
import org.hsmc.ceremony.custody.QuorumSession;
import org.hsmc.ceremony.custody.Role;
import org.hsmc.ceremony.script.ChangeQuorumScript;
import org.hsmc.ceremony.script.CeremonyScript;
import org.hsmc.ceremony.script.EnrolCardScript;
import org.hsmc.ceremony.script.ReplaceCardScript;
import org.hsmc.ceremony.script.RevokeCardScript;
import org.hsmc.ceremony.script.RoleRule;
import org.hsmc.ceremony.script.UnblockCardScript;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.Token;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The steps and the store checks of the custody ceremonies: enrol-card, replace-card, revoke-card,
 * unblock-card and change-quorum (docs/decisions/0015-16-custody-lifecycle.md). Every step is safe to
 * repeat: a resumed run finds what an earlier attempt did ({@link CustodyChange}). Every re-share rotates
 * the credential; every new card is checked before its holder leaves.
 */
final class CustodySteps {

    private final Store store;
    private final CustodyChange custody;
    private final Supplier<QuorumSession> quorum;
    private final Function<String, Token> cards;

    CustodySteps(Store store, AuditLog audit, Clock clock, Supplier<QuorumSession> quorum, Function<String, Token> cards) {
        this.store = store;
        this.custody = new CustodyChange(store, audit, clock, new SecureRandom());
        this.quorum = quorum;
        this.cards = cards;
    }

    /** True for the types this class runs. */
    static boolean handles(CeremonyScript script) {
        return script instanceof EnrolCardScript || script instanceof ReplaceCardScript || script instanceof RevokeCardScript
                || script instanceof UnblockCardScript || script instanceof ChangeQuorumScript;
    }

    /** The name and action of each step, in order; {@code step} wraps them as the engine's steps. */
    <S> List<S> steps(String runId, CeremonyScript script, BiFunction<String, ExportBundleSteps.CeremonyEngineStep, S> step) {
        List<S> out = new ArrayList<>();
        String actor = script.operator();
        switch (script) {
            case EnrolCardScript s -> {
                out.add(step.apply("enrol the card " + s.card() + " for " + s.holder(), (hsm, console) -> {
                    Custodian holder = custody.custodian(actor, s.holder(), s.role().orElse(null), runId);
                    Card card = enrol(actor, holder, s.card(), console, runId);
                    return "card " + card.serial() + " enrolled for " + holder.name();
                }));
                out.add(step.apply("re-share the HSM credential so that " + s.card() + " holds a share, and rotate it",
                        (hsm, console) -> reshare(runId, null, s.card(), null)));
                out.add(checkStep(step, s.card(), actor));
            }
            case ReplaceCardScript s -> {
                out.add(step.apply("revoke the card " + s.card(), (hsm, console) -> revoke(actor, s.card(), s.reason(), runId)));
                out.add(step.apply("enrol the new card " + s.newCard(), (hsm, console) -> {
                    Custodian holder = holderOfReplacement(s);
                    Card card = enrol(actor, holder, s.newCard(), console, runId);
                    return "card " + card.serial() + " enrolled for " + holder.name();
                }));
                out.add(step.apply("re-share the HSM credential over the cards without " + s.card() + " and with "
                        + s.newCard() + ", and rotate it", (hsm, console) -> reshare(runId, null, s.newCard(), s.card())));
                out.add(checkStep(step, s.newCard(), actor));
            }
            case RevokeCardScript s -> {
                out.add(step.apply("revoke the card " + s.card(), (hsm, console) -> revoke(actor, s.card(), s.reason(), runId)));
                out.add(step.apply("re-share the HSM credential over the other cards, and rotate it",
                        (hsm, console) -> reshare(runId, null, null, s.card())));
            }
            case UnblockCardScript s -> out.add(step.apply("reset the PIN of " + s.card() + " through the card's security"
                    + " officer path; its holder sets a new PIN", (hsm, console) -> {
                Card card = store.read(c -> CustodyChange.cardByLabel(c, s.card())).orElseThrow();
                Custodian holder = store.read(c -> CustodyChange.custodian(c, card.custodianId())).orElseThrow();
                CeremonyConsole.EnrolmentPins pins = console.unblockPins(holder.name(), s.card());
                try {
                    custody.unblock(actor, card, token(s.card()), pins.transportPin(), pins.newPin(), runId);
                } finally {
                    Arrays.fill(pins.transportPin(), '\0');
                    Arrays.fill(pins.newPin(), '\0');
                }
                return "card " + card.serial() + " of " + holder.name() + " unblocked; it opened its share with the new PIN";
            }));
            case ChangeQuorumScript s -> {
                List<String> labels = s.cards().orElseGet(() -> store.read(CustodyChange::adminCards).stream()
                        .filter(c -> !c.revoked()).map(Card::tokenLabel).toList());
                out.add(step.apply("re-share the HSM credential " + s.threshold() + "-of-" + labels.size() + " over "
                        + String.join(", ", labels) + ", and rotate it", (hsm, console) -> reshare(runId, s, null, null)));
                for (String label : labels) {
                    out.add(checkStep(step, label, actor));
                }
                s.rule().ifPresent(rule -> out.add(step.apply("set the role rule: " + policy(rule).text(), (hsm, console) -> {
                    custody.setDefaultPolicy(actor, policy(rule), runId);
                    return "role rule " + policy(rule).text();
                })));
            }
            default -> throw new IllegalArgumentException(script.type() + " is not a custody ceremony");
        }
        return out;
    }

    private <S> S checkStep(BiFunction<String, ExportBundleSteps.CeremonyEngineStep, S> step, String label, String actor) {
        return step.apply("check that " + label + " opens its share of the new card set", (hsm, console) -> {
            CardSet set = store.read(CustodyChange::adminSet).orElseThrow();
            Card card = store.read(c -> CustodyChange.cardByLabel(c, label)).orElseThrow();
            if (!custody.unchecked(set).contains(card.serial())) {
                return "card " + card.serial() + " already checked";
            }
            Custodian holder = store.read(c -> CustodyChange.custodian(c, card.custodianId())).orElseThrow();
            char[] pin = console.checkPin(holder.name(), label);
            try {
                custody.check(set, token(label), pin, actor);
            } finally {
                Arrays.fill(pin, '\0');
            }
            return "card " + card.serial() + " of " + holder.name() + " opened its share";
        });
    }

    private Custodian holderOfReplacement(ReplaceCardScript s) {
        return store.read(c -> {
            if (s.holder().isPresent()) {
                return CustodyChange.custodianByName(c, s.holder().get()).orElseThrow();
            }
            Card old = CustodyChange.cardByLabel(c, s.card()).orElseThrow();
            return CustodyChange.custodian(c, old.custodianId()).orElseThrow();
        });
    }

    private Card enrol(String actor, Custodian holder, String label, CeremonyConsole console, String runId) {
        Token token = token(label);
        CeremonyConsole.EnrolmentPins pins = console.enrolmentPins(holder.name(), label);
        try {
            return custody.enrol(actor, holder, token, pins.transportPin(), pins.newPin(), runId);
        } finally {
            Arrays.fill(pins.transportPin(), '\0');
            Arrays.fill(pins.newPin(), '\0');
        }
    }

    private String revoke(String actor, String label, String reason, String runId) {
        Card card = store.read(c -> CustodyChange.cardByLabel(c, label)).orElseThrow();
        boolean now = custody.revoke(actor, card.serial(), reason, runId);
        return "card " + card.serial() + (now ? " revoked" : " already revoked");
    }

    /** Re-shares over the current set's cards, with {@code add} and without {@code remove}; or as {@code change} says. */
    private String reshare(String runId, ChangeQuorumScript change, String add, String remove) {
        QuorumSession q = quorum.get();
        CardSet current = store.read(CustodyChange::adminSet).orElseThrow();
        if (store.read(c -> CustodyChange.runOf(c, current)).filter(runId::equals).isPresent()) {
            return "already re-shared by this run: card set " + current.id() + ", " + current.threshold() + "-of-"
                    + current.shareCount();
        }
        List<Card> next = new ArrayList<>();
        int m = current.threshold();
        if (change != null) {
            m = change.threshold();
            if (change.cards().isPresent()) {
                for (String label : change.cards().get()) {
                    next.add(store.read(c -> CustodyChange.cardByLabel(c, label)).orElseThrow());
                }
            } else {
                next.addAll(store.read(CustodyChange::adminCards).stream().filter(c -> !c.revoked()).toList());
            }
        } else {
            for (Card c : store.read(CustodyChange::adminCards)) {
                if (!c.revoked() && (remove == null || !c.tokenLabel().equals(remove))) {
                    next.add(c);
                }
            }
            if (add != null && next.stream().noneMatch(c -> c.tokenLabel().equals(add))) {
                next.add(store.read(c -> CustodyChange.cardByLabel(c, add)).orElseThrow());
            }
        }
        if (next.size() < m) {
            throw new CustodyException("Only " + next.size() + " usable cards would hold shares, fewer than M = " + m
                    + "; nothing was changed. Enrol more cards first.");
        }
        CardSet set = custody.reshare(q, m, next, runId);
        return "card set " + set.id() + ": " + set.threshold() + "-of-" + set.shareCount() + " over "
                + String.join(", ", next.stream().map(Card::tokenLabel).toList()) + "; the HSM credential was rotated"
                + " (C_SetPIN), so the shares of card set " + current.id() + " open nothing";
    }

    private Token token(String label) {
        if (cards == null) {
            throw new IllegalStateException("This console was started without access to the card reader; it cannot reach"
                    + " the card '" + label + "'.");
        }
        return cards.apply(label);
    }

    static QuorumPolicy policy(RoleRule rule) {
        return new QuorumPolicy(EnumSet.copyOf(rule.roles()), rule.minimum());
    }

    // ------------------------------------------------------------------ checks against the store, before the quorum

    static List<String> check(Connection c, CeremonyScript script) throws SQLException {
        List<String> p = new ArrayList<>();
        Optional<CardSet> set = CustodyChange.adminSet(c);
        if (set.isEmpty()) {
            return p; // "not initialised" is reported by Preconditions
        }
        List<Card> current = CustodyChange.adminCards(c).stream().filter(x -> !x.revoked()).toList();
        QuorumPolicy rule = CustodyChange.defaultPolicy(c);
        switch (script) {
            case EnrolCardScript s -> {
                newCard(c, "card", s.card(), p);
                Optional<Custodian> holder = CustodyChange.custodianByName(c, s.holder());
                if (s.role().isPresent() && holder.isPresent()) {
                    p.add("holder: '" + s.holder() + "' is already a custodian (" + holder.get().role() + "); to give them a"
                            + " spare card leave role out");
                } else if (s.role().isEmpty() && holder.isEmpty()) {
                    p.add("holder: '" + s.holder() + "' is not a custodian of this console; to add a new custodian give"
                            + " their role");
                } else if (holder.isPresent() && holder.get().role() == Role.AUDITOR) {
                    p.add("holder: '" + s.holder() + "' is an AUDITOR, who holds no share of the HSM credential");
                }
            }
            case ReplaceCardScript s -> {
                Optional<Card> old = activeCard(c, "card", s.card(), current, p);
                newCard(c, "new_card", s.newCard(), p);
                if (s.holder().isPresent() && CustodyChange.custodianByName(c, s.holder().get()).isEmpty()) {
                    p.add("holder: '" + s.holder().get() + "' is not a custodian of this console");
                }
                if (old.isPresent() && s.holder().isEmpty()) {
                    // the same holder gets the new card: the set keeps its holders, so its rule stays satisfiable
                    int left = current.size();
                    if (left < set.get().threshold()) {
                        p.add("card: only " + left + " usable cards, fewer than M = " + set.get().threshold());
                    }
                }
            }
            case RevokeCardScript s -> {
                // a card revoked by an aborted replace-card still holds a share until a re-share: revoke-card finishes it
                List<Card> holders = CustodyChange.adminCards(c);
                Optional<Card> revokedHolder = CustodyChange.cardByLabel(c, s.card()).filter(Card::revoked).filter(x ->
                        holders.stream().anyMatch(a -> a.serial().equals(x.serial())));
                Optional<Card> card = revokedHolder.isPresent() ? revokedHolder : activeCard(c, "card", s.card(), current, p);
                if (card.isPresent()) {
                    List<Card> after = current.stream().filter(x -> !x.serial().equals(card.get().serial())).toList();
                    int m = set.get().threshold();
                    if (after.size() < Math.max(2, m)) {
                        p.add("card: revoking it would leave " + after.size() + " usable card(s), fewer than M = " + m
                                + "; enrol a card (enrol-card) or replace this one (replace-card) instead");
                    } else {
                        CustodyChange.unsatisfiable(c, rule, m, after).ifPresent(why -> p.add("card: without it " + why
                                + "; change the quorum first (change-quorum)"));
                    }
                }
            }
            case UnblockCardScript s -> {
                Optional<Card> card = CustodyChange.cardByLabel(c, s.card());
                if (card.isEmpty()) {
                    p.add("card: no card '" + s.card() + "' is enrolled at this console");
                } else if (card.get().revoked()) {
                    p.add("card: the card '" + s.card() + "' (serial " + card.get().serial() + ") is revoked; a revoked card"
                            + " is never unblocked; enrol a new one");
                }
            }
            case ChangeQuorumScript s -> {
                List<Card> next = new ArrayList<>();
                if (s.cards().isPresent()) {
                    List<String> labels = s.cards().get();
                    for (int i = 0; i < labels.size(); i++) {
                        Optional<Card> card = CustodyChange.cardByLabel(c, labels.get(i));
                        if (card.isEmpty()) {
                            p.add("cards[" + i + "]: no card '" + labels.get(i) + "' is enrolled at this console; enrol it"
                                    + " first (enrol-card)");
                        } else if (card.get().revoked()) {
                            p.add("cards[" + i + "]: the card '" + labels.get(i) + "' is revoked and can hold no share");
                        } else {
                            Custodian h = CustodyChange.custodian(c, card.get().custodianId()).orElseThrow();
                            if (h.role() == Role.AUDITOR) {
                                p.add("cards[" + i + "]: the card '" + labels.get(i) + "' is an AUDITOR's, who holds no share");
                            } else {
                                next.add(card.get());
                            }
                        }
                    }
                } else {
                    next.addAll(current);
                }
                if (p.isEmpty()) {
                    if (s.threshold() > next.size()) {
                        p.add("threshold: M = " + s.threshold() + " is more than N = " + next.size() + ", the usable cards"
                                + " that would hold shares");
                    } else {
                        QuorumPolicy after = s.rule().map(CustodySteps::policy).orElse(rule);
                        CustodyChange.unsatisfiable(c, after, s.threshold(), next).ifPresent(why ->
                                p.add((s.rule().isPresent() ? "rule" : "threshold") + ": no quorum could form: " + why));
                    }
                }
            }
            default -> throw new IllegalArgumentException(script.type() + " is not a custody ceremony");
        }
        return p;
    }

    private static Optional<Card> activeCard(Connection c, String path, String label, List<Card> current, List<String> p)
            throws SQLException {
        Optional<Card> card = CustodyChange.cardByLabel(c, label);
        if (card.isEmpty()) {
            p.add(path + ": no card '" + label + "' is enrolled at this console (unknown card)");
            return Optional.empty();
        }
        if (card.get().revoked()) {
            p.add(path + ": the card '" + label + "' (serial " + card.get().serial() + ") is already revoked");
            return Optional.empty();
        }
        if (current.stream().noneMatch(x -> x.serial().equals(card.get().serial()))) {
            p.add(path + ": the card '" + label + "' holds no share of the active admin card set");
            return Optional.empty();
        }
        return card;
    }

    private static void newCard(Connection c, String path, String label, List<String> p) throws SQLException {
        Optional<Card> card = CustodyChange.cardByLabel(c, label);
        if (card.isPresent()) {
            p.add(path + ": the card '" + label + "' is already enrolled (serial " + card.get().serial() + (card.get().revoked()
                    ? ", revoked" : "") + "); a card is enrolled once; use a new card");
        }
    }
}
