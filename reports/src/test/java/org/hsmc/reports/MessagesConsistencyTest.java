package org.hsmc.reports;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two bundles and the code agree: every key the code uses ({@code t.get("…")}, {@code t.format("…")},
 * {@code key("…")}) is in both bundles, every key of the bundles is used, both bundles hold the same
 * keys, every value is a valid MessageFormat pattern with the same arguments in both languages, and
 * the Chinese bundle is Chinese.
 */
class MessagesConsistencyTest {

    private static final Pattern USE = Pattern.compile("(?:\\bt\\.(?:get|format)|\\bkey)\\(\\s*\"([^\"]+)\"");
    private static final Pattern ARGUMENT = Pattern.compile("\\{(\\d+)");

    private static Properties bundle(String name) throws IOException {
        Properties p = new Properties();
        try (InputStream in = MessagesConsistencyTest.class.getResourceAsStream("/org/hsmc/reports/" + name)) {
            assertThat(in).as(name).isNotNull();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }

    private static Set<String> keysInCode() throws IOException {
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java", "org", "hsmc", "reports"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = USE.matcher(Files.readString(f));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        return used;
    }

    @Test
    void noKeyIsMissingAndNoneIsUnused() throws IOException {
        Set<String> used = keysInCode();
        Set<String> en = new TreeSet<>(bundle("messages.properties").stringPropertyNames());
        Set<String> zh = new TreeSet<>(bundle("messages_zh.properties").stringPropertyNames());
        assertThat(used).as("keys in the code").hasSizeGreaterThan(100);
        assertThat(new TreeSet<>(used)).as("keys the code uses that messages.properties lacks").isSubsetOf(en);
        assertThat(new TreeSet<>(used)).as("keys the code uses that messages_zh.properties lacks").isSubsetOf(zh);
        assertThat(en).as("keys of messages.properties that no code uses").isSubsetOf(used);
        assertThat(zh).as("messages_zh.properties has exactly the keys of messages.properties").isEqualTo(en);
    }

    @Test
    void everyValueIsAPatternWithTheSameArgumentsInBothLanguages() throws IOException {
        Properties en = bundle("messages.properties");
        Properties zh = bundle("messages_zh.properties");
        int chinese = 0;
        for (String k : en.stringPropertyNames()) {
            String e = en.getProperty(k);
            String z = zh.getProperty(k);
            assertThat(e).as(k).isNotBlank();
            assertThat(z).as(k).isNotBlank();
            new MessageFormat(e, Locale.ENGLISH);
            new MessageFormat(z, Locale.SIMPLIFIED_CHINESE);
            assertThat(arguments(z)).as("arguments of %s", k).isEqualTo(arguments(e));
            assertThat(e.replace("''", "")).as("%s: a single quote must be written twice", k).doesNotContain("'");
            assertThat(z.replace("''", "")).as("%s: a single quote must be written twice", k).doesNotContain("'");
            if (z.codePoints().anyMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN)) {
                chinese++;
            }
        }
        assertThat(chinese).as("values of messages_zh.properties in Chinese").isGreaterThan(en.size() * 8 / 10);
    }

    @Test
    void theTextsOfEachLanguageComeFromItsOwnBundle() {
        assertThat(new Texts(ReportLanguage.EN).format("footer.page", 2, 5)).isEqualTo("Page 2 of 5");
        assertThat(new Texts(ReportLanguage.ZH).format("footer.page", 2, 5)).isEqualTo("第 2 页，共 5 页");
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.SIMPLIFIED_CHINESE);
            assertThat(new Texts(ReportLanguage.EN).get("ceremony.report")).isEqualTo("Ceremony report");
        } finally {
            Locale.setDefault(before);
        }
    }

    private static Set<String> arguments(String pattern) {
        Set<String> out = new TreeSet<>();
        Matcher m = ARGUMENT.matcher(pattern);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
