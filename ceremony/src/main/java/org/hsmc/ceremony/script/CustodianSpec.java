package org.hsmc.ceremony.script;

import org.hsmc.ceremony.custody.Role;

import java.util.Objects;

/**
 * A person an {@code initialize} script names, with the admin card they will enrol.
 *
 * @param name the person's name, unique in the script
 * @param role what they do at the console
 * @param card the card's PKCS#11 token label at this site (at most 32 bytes), unique in the script
 */
public record CustodianSpec(String name, Role role, String card) {
    public CustodianSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(card, "card");
    }

    /** Security officers and key custodians hold a share of the HSM credential; auditors do not. */
    public boolean holdsShare() {
        return role == Role.SECURITY_OFFICER || role == Role.KEY_CUSTODIAN;
    }
}
