package org.hsmc.app.cli;

import org.hsmc.ceremony.run.CeremonyConsole.ComponentDelivery;
import org.hsmc.reports.ComponentForms;
import org.hsmc.reports.ReportLanguage;

import java.time.Instant;
import java.util.Arrays;

/**
 * The key component as a custodian reads it, and its form printed; shared by the terminal and the
 * window. The digits are made into a {@code char[]} (never a {@code String}), which the caller wipes.
 */
public final class ComponentText {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ComponentText() {
    }

    /**
     * The component in upper-case hex groups of four, {@code perLine} groups a line (a space between
     * groups, a line break between lines, nothing at the end). The caller wipes the result.
     */
    public static char[] groups(byte[] value, int perLine) {
        int digits = value.length * 2;
        int groups = (digits + 3) / 4;
        char[] out = new char[digits + Math.max(0, groups - 1)];
        int o = 0;
        for (int i = 0; i < digits; i++) {
            if (i > 0 && i % 4 == 0) {
                out[o++] = (i / 4) % perLine == 0 ? '\n' : ' ';
            }
            int b = value[i / 2] & 0xFF;
            out[o++] = HEX[i % 2 == 0 ? b >>> 4 : b & 0x0F];
        }
        return out;
    }

    /** What the form is, without the component. */
    public static FormPrinter.Form form(ComponentDelivery d) {
        return new FormPrinter.Form(d.runId(), d.zone(), d.keyId(), d.index(), d.count(), d.holder());
    }

    /** Renders the component's form and prints it with {@code printer}; the PDF is wiped afterwards. Returns where it went. */
    public static String printForm(ComponentDelivery d, ReportLanguage language, FormPrinter printer, Instant now) {
        byte[] pdf = printer.rehearsal() ? ComponentForms.renderRehearsal(d, language, now) : ComponentForms.render(d, language, now);
        try {
            return printer.print(form(d), pdf);
        } finally {
            Arrays.fill(pdf, (byte) 0);
        }
    }
}
