package org.hsmc.ceremony.custody;

/** N cards holding the shares of one secret, any M of which rebuild it. */
public record CardSet(String id, CardSetPurpose purpose, int threshold, int shareCount, boolean active) {
}
