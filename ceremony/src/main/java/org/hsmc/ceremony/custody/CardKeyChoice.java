package org.hsmc.ceremony.custody;

import java.util.HexFormat;

/**
 * Which key pair a card provisioned elsewhere already holds for the console: by its CKA_LABEL or its
 * CKA_ID (on a PIV card through OpenSC, the key-management slot 9D is id {@code 03}, label "KEY MAN key").
 *
 * @param label the private key's label, or null
 * @param id    the private key's id, or null
 */
public record CardKeyChoice(String label, byte[] id) {

    public CardKeyChoice {
        if ((label == null) == (id == null)) {
            throw new IllegalArgumentException("Choose the card's key by its label or by its id, one of the two");
        }
        id = id == null ? null : id.clone();
    }

    public static CardKeyChoice byLabel(String label) {
        return new CardKeyChoice(label, null);
    }

    public static CardKeyChoice byId(byte[] id) {
        return new CardKeyChoice(null, id);
    }

    @Override
    public byte[] id() {
        return id == null ? null : id.clone();
    }

    @Override
    public String toString() {
        return label != null ? "label '" + label + "'" : "id " + HexFormat.of().formatHex(id);
    }
}
