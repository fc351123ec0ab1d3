package org.hsmc.reports.pdf;

import java.util.ArrayList;
import java.util.List;

/**
 * Breaks printable text into lines that fit a width. A line may break after a space, after
 * {@code / , ;}, and before or after a Chinese, Japanese or Korean character (but never before
 * closing punctuation such as {@code ，。、）}). A word longer than the line (a 64-digit hash) is
 * broken where it reaches the edge. Line breaks in the text are kept.
 */
final class TextWrap {

    private static final String BREAK_AFTER = "/,;";
    private static final String NO_BREAK_BEFORE = "，。、）》」』：；！？,.;:)]}%";

    private TextWrap() {
    }

    /** The lines of {@code text} in {@code face} at {@code size}, each at most {@code max} points wide. */
    static List<String> lines(Fonts fonts, String text, Fonts.Face face, float size, float max) {
        List<String> out = new ArrayList<>();
        for (String paragraph : text.split("\n", -1)) {
            wrap(fonts, paragraph, face, size, max, out);
        }
        return out;
    }

    private static void wrap(Fonts fonts, String text, Fonts.Face face, float size, float max, List<String> out) {
        int[] cps = text.codePoints().toArray();
        if (cps.length == 0) {
            out.add("");
            return;
        }
        int start = 0;
        while (start < cps.length) {
            float x = 0;
            int lastBreak = -1;
            int i = start;
            for (; i < cps.length; i++) {
                if (i > start && canBreakBefore(cps, i)) {
                    lastBreak = i;
                }
                float w = fonts.width(cps[i], face, size);
                if (x + w > max && i > start) {
                    break;
                }
                x += w;
            }
            if (i == cps.length) {
                out.add(new String(cps, start, cps.length - start).stripTrailing());
                return;
            }
            int end = lastBreak > start ? lastBreak : i;
            out.add(new String(cps, start, end - start).stripTrailing());
            start = end;
            while (start < cps.length && cps[start] == ' ') {
                start++;
            }
        }
    }

    private static boolean canBreakBefore(int[] cps, int i) {
        int prev = cps[i - 1];
        int cur = cps[i];
        if (NO_BREAK_BEFORE.indexOf(cur) >= 0) {
            return false;
        }
        if (cur == ' ' || prev == ' ') {
            return true;
        }
        return BREAK_AFTER.indexOf(prev) >= 0 || isWide(prev) || isWide(cur);
    }

    /** Chinese, Japanese and Korean characters and full-width punctuation: a line may break around each. */
    static boolean isWide(int cp) {
        Character.UnicodeScript s = Character.UnicodeScript.of(cp);
        return s == Character.UnicodeScript.HAN || s == Character.UnicodeScript.HIRAGANA || s == Character.UnicodeScript.KATAKANA
                || s == Character.UnicodeScript.HANGUL || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFFEF);
    }
}
