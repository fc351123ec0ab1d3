package org.hsmc.reports;

import java.util.Locale;

/** The languages reports are printed in. */
public enum ReportLanguage {
    /** English. */
    EN("en", Locale.ENGLISH),
    /** Simplified Chinese. */
    ZH("zh", Locale.SIMPLIFIED_CHINESE);

    private final String code;
    private final Locale locale;

    ReportLanguage(String code, Locale locale) {
        this.code = code;
        this.locale = locale;
    }

    /** {@code en} or {@code zh}, as on the command line. */
    public String code() {
        return code;
    }

    public Locale locale() {
        return locale;
    }

    /** The language of a code ({@code en}, {@code zh}; case and a region such as {@code zh-CN} are ignored). */
    public static ReportLanguage of(String code) {
        String c = code == null ? "" : code.strip().toLowerCase(Locale.ROOT);
        if (c.startsWith("zh")) {
            return ZH;
        }
        if (c.startsWith("en")) {
            return EN;
        }
        throw new IllegalArgumentException("'" + code + "' is not a report language; use en (English) or zh (Simplified Chinese).");
    }
}
