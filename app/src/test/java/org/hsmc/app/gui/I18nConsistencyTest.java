package org.hsmc.app.gui;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every key the screens use exists in English and in Simplified Chinese, and every key of the bundles
 * is used. A key is any string literal of the screens' sources shaped like {@code word.word…}.
 */
class I18nConsistencyTest {

    private static final Pattern LITERAL = Pattern.compile("\"([a-z]+(?:\\.[a-z0-9_]+)+)\"");

    private static Set<String> keysUsedInSources() throws IOException {
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/org/hsmc/app/gui"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = LITERAL.matcher(Files.readString(f));
                while (m.find()) {
                    String k = m.group(1);
                    if (!k.endsWith(".css") && !k.startsWith("org.") && !k.startsWith("java.") && !k.startsWith("hsmc.") && !k.startsWith("user.")) {
                        used.add(k);
                    }
                }
            }
        }
        return used;
    }

    private static Set<String> bundle(String name) throws IOException {
        Properties p = new Properties();
        try (InputStream in = I18n.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return new TreeSet<>(p.stringPropertyNames());
    }

    @Test
    void everyUsedKeyExistsInBothLanguagesAndEveryKeyIsUsed() throws IOException {
        Set<String> used = keysUsedInSources();
        Set<String> en = bundle("messages.properties");
        Set<String> zh = bundle("messages_zh_CN.properties");
        assertThat(used).as("keys used but missing in English").isSubsetOf(en);
        assertThat(used).as("keys used but missing in Chinese").isSubsetOf(zh);
        assertThat(en).as("English keys no screen uses").isSubsetOf(used);
        assertThat(zh).as("the two languages have the same keys").isEqualTo(en);
    }

    @Test
    void chineseIsReallyChinese() {
        I18n zh = new I18n(java.util.Locale.SIMPLIFIED_CHINESE);
        assertThat(zh.t("app.title")).contains("密钥仪式");
        assertThat(new I18n(java.util.Locale.ENGLISH).t("quorum.heading", "x", 1, 3)).isEqualTo("Quorum for x: 1 of 3 cards");
        assertThat(zh.t("quorum.heading", "x", 1, 3)).isEqualTo("x 的法定人数：1 / 3 张卡");
    }

    /** Every name the domain gives the window (roles, states, refusal kinds, types, outcomes) has a word in both languages. */
    @Test
    void everyDomainNameHasAWordInBothLanguages() {
        for (java.util.Locale locale : java.util.List.of(java.util.Locale.ENGLISH, java.util.Locale.SIMPLIFIED_CHINESE)) {
            I18n i18n = new I18n(locale);
            java.util.Map<String, String> words = new java.util.LinkedHashMap<>();
            for (var r : org.hsmc.ceremony.custody.Role.values()) {
                words.put(r.name(), Words.role(i18n, r));
            }
            for (var s : org.hsmc.ceremony.run.RunState.values()) {
                words.put(s.name(), Words.runState(i18n, s));
            }
            for (var s : org.hsmc.ceremony.run.StepRecord.State.values()) {
                words.put(s.name(), Words.stepState(i18n, s));
            }
            for (var k : org.hsmc.ceremony.custody.QuorumRefusal.Kind.values()) {
                words.put(k.name(), Words.refusal(i18n, k));
            }
            for (var t : org.hsmc.ceremony.script.CeremonyType.values()) {
                words.put(t.name(), Words.type(i18n, t));
            }
            for (var o : org.hsmc.ceremony.audit.Outcome.values()) {
                words.put(o.name(), Words.outcome(i18n, o.name()));
            }
            for (String status : java.util.List.of("ACTIVE", "PENDING", "RETIRED", "REVOKED", "ABORTED", "DESTROYED")) {
                words.put(status, Words.keyStatus(i18n, status));
            }
            words.forEach((name, word) -> {
                assertThat(word).as("%s in %s", name, locale).doesNotStartWith("!").isNotEqualTo(name).doesNotContain("_");
                if (locale.getLanguage().equals("zh")) {
                    assertThat(word).as("%s in Chinese", name).containsPattern("\\p{IsHan}");
                }
            });
        }
    }
}
