package org.hsmc.pkcs11;

import java.util.Optional;

/** A slot and, when one is present, its token. */
public record SlotDescription(long slotId, String description, String manufacturer, boolean removable,
                              Optional<TokenDescription> token) {
}
