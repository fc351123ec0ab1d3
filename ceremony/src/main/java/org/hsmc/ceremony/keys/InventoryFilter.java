package org.hsmc.ceremony.keys;

import java.time.Instant;

/** A filter over the working-key inventory; null fields do not filter. */
public record InventoryFilter(String zone, KeyIds.KeyPurposeName purpose, String status, Instant expiringBefore) {

    public static final InventoryFilter ALL = new InventoryFilter(null, null, null, null);

    public InventoryFilter zone(String z) {
        return new InventoryFilter(z, purpose, status, expiringBefore);
    }

    public InventoryFilter purpose(KeyIds.KeyPurposeName p) {
        return new InventoryFilter(zone, p, status, expiringBefore);
    }

    public InventoryFilter status(String s) {
        return new InventoryFilter(zone, purpose, s, expiringBefore);
    }

    public InventoryFilter expiringBefore(Instant t) {
        return new InventoryFilter(zone, purpose, status, t);
    }
}
