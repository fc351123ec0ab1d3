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
}
