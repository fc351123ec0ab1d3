package org.hsmc.ceremony.script;

import java.util.List;
import java.util.Objects;

/**
 * How a generated zone master key reaches its zone: exactly one of printed components or the zone's
 * RSA transport key.
 */
public sealed interface ZmkDelivery {

    /**
     * K components (2–9), component i printed for {@code holders.get(i)}.
     *
     * @param holders distinct custodian names, one per component, in component order
     */
    record Components(List<String> holders) implements ZmkDelivery {
        public Components {
            holders = List.copyOf(holders);
        }

        /** K, the number of components. */
        public int count() {
            return holders.size();
        }
    }

    /**
     * The ZMK is wrapped for the zone's transport key instead of being split.
     *
     * @param path the PEM file of the RSA-3072 public key, as written in the script (a relative path is
     *             meant from the script's folder). The parser does not open it: the layer that runs the
     *             script reads and checks it, and records its fingerprint, since the script's hash does
     *             not cover that file.
     */
    record TransportKey(String path) implements ZmkDelivery {
        public TransportKey {
            Objects.requireNonNull(path, "path");
        }
    }
}
