package org.hsmc.reports;

import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * The words of the reports in one language, from the resource bundle {@code org/hsmc/reports/messages}
 * ({@code messages.properties} in English, {@code messages_zh.properties} in Simplified Chinese).
 * Every value is a {@link MessageFormat} pattern (so a single quote is written twice).
 *
 * <p>Keys appear in the code only as literals passed to {@link #get}, {@link #format} or {@link #key}:
 * {@code MessagesConsistencyTest} reads the sources for them and fails on a key that is missing from a
 * bundle or a bundle key that no code uses.
 */
final class Texts {

    static final String BUNDLE = "org.hsmc.reports.messages";

    private final ResourceBundle bundle;
    private final ReportLanguage language;

    Texts(ReportLanguage language) {
        this.language = language;
        this.bundle = ResourceBundle.getBundle(BUNDLE, language.locale(),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    }

    ReportLanguage language() {
        return language;
    }

    /** The text of {@code key}. */
    String get(String key) {
        return format(key);
    }

    /** The text of {@code key} with {@code args} filled in. */
    String format(String key, Object... args) {
        return new MessageFormat(bundle.getString(key), language.locale()).format(args);
    }

    /** Marks a literal as a message key where it is chosen before it is looked up (a switch over codes). */
    static String key(String key) {
        return key;
    }
}
