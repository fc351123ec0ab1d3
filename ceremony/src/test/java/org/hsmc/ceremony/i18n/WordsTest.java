package org.hsmc.ceremony.i18n;

import org.hsmc.ceremony.custody.QuorumRefusal;
import org.hsmc.ceremony.custody.Role;
import org.hsmc.ceremony.run.PinPrompt;
import org.hsmc.ceremony.run.PinRefusal;
import org.hsmc.ceremony.run.RunState;
import org.hsmc.ceremony.script.CeremonyType;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every domain word a person sees exists in English and Chinese: one key per enum constant (roles, run and
 * step states, ceremony types, refusal kinds, PIN prompts and reasons, key statuses) and per known step name,
 * in both bundles, with no key in one bundle only; the Chinese says it in Chinese; no sentence carries an
 * enum name or a PKCS#11 code.
 */
class WordsTest {

    private static Properties load(String name) throws Exception {
        Properties p = new Properties();
        try (InputStream in = WordsTest.class.getResourceAsStream("/org/hsmc/ceremony/i18n/" + name)) {
            assertThat(in).as(name).isNotNull();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }

    @Test
    void everyWordAPersonSeesHasAKeyInBothLanguagesAndNoKeyIsUnused() throws Exception {
        Properties en = load("words.properties");
        Properties zh = load("words_zh.properties");
        assertThat(Words.keys()).hasSizeGreaterThan(Role.values().length + RunState.values().length + CeremonyType.values().length
                + QuorumRefusal.Kind.values().length + PinPrompt.values().length);
        for (String key : Words.keys()) {
            assertThat(en.getProperty(key)).as("en " + key).isNotBlank();
            assertThat(zh.getProperty(key)).as("zh " + key).isNotBlank();
            assertThat(zh.getProperty(key).codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN))
                    .as("zh %s is Chinese: %s", key, zh.getProperty(key)).isTrue();
        }
        assertThat(en.stringPropertyNames()).containsExactlyInAnyOrderElementsOf(Words.keys());
        assertThat(zh.stringPropertyNames()).containsExactlyInAnyOrderElementsOf(Words.keys());
    }

    @Test
    void enumNamesBecomeWords() {
        for (Locale l : new Locale[] {Locale.ENGLISH, Locale.SIMPLIFIED_CHINESE}) {
            Words w = Words.of(l);
            for (Role r : Role.values()) {
                assertThat(w.role(r)).doesNotContain(r.name());
            }
            for (QuorumRefusal.Kind k : QuorumRefusal.Kind.values()) {
                assertThat(w.refusal(k)).doesNotContain(k.name());
            }
            for (RunState s : RunState.values()) {
                assertThat(w.runState(s)).doesNotContain(s.name());
            }
            for (CeremonyType t : CeremonyType.values()) {
                assertThat(w.ceremonyType(t.yamlName())).isEqualTo(w.ceremonyType(t)).doesNotContain(t.yamlName());
            }
        }
        assertThat(Words.of(Locale.ENGLISH).role(Role.SECURITY_OFFICER)).isEqualTo("security officer");
        assertThat(Words.of(Locale.SIMPLIFIED_CHINESE).runState(RunState.ABORTED)).isEqualTo("已中止");
        assertThat(Words.of(Locale.SIMPLIFIED_CHINESE).keyStatus("WITHDRAWN")).contains("已撤回");
    }

    @Test
    void stepNamesAreSaidAgainInEitherLanguage() {
        Words zh = Words.of(Locale.SIMPLIFIED_CHINESE);
        assertThat(zh.stepName("enrol Alice (security officer) with card 'demo-card-1'")).isEqualTo("为Alice（安全主管）登记卡“demo-card-1”");
        assertThat(zh.stepName("generate working keys 1–6 of 6 for zone sh-01")).isEqualTo("为区域 sh-01 生成工作密钥（第 1–6 个，共 6 个）");
        assertThat(zh.stepName("split the HSM credential 3-of-5 over the cards")).isEqualTo("将 HSM 凭据按 3/5 分割到各卡");
        Words en = Words.of(Locale.ENGLISH);
        assertThat(en.stepName("check Carol's card opens its share")).isEqualTo("check that Carol's card opens its share");
        assertThat(en.stepName("a step added later")).isEqualTo("a step added later");
        assertThat(Words.stepKeyOf("create lmk/v1 in the HSM (NO BACKUP)")).hasValue("step.create_lmk_no_backup");
    }

    @Test
    void aPinRefusalIsASentenceAndItsCodeADetailsLine() {
        PinRefusal r = new PinRefusal(PinPrompt.TRANSPORT_PIN, "Carol", "demo-card-3", OptionalInt.of(2), false, 1, "…",
                "C_SetPIN returned CKR_PIN_INCORRECT (0xa0)", PinRefusal.Reason.WRONG_PIN);
        Words en = Words.of(Locale.ENGLISH);
        Words zh = Words.of(Locale.SIMPLIFIED_CHINESE);
        assertThat(en.pinRefusal(r)).isEqualTo("Not accepted: the card's transport PIN of 'demo-card-3'. 2 tries are left before the"
                + " console stops asking.");
        assertThat(zh.pinRefusal(r)).isEqualTo("“demo-card-3”的卡的传输 PIN未被接受。控制台停止询问前还可尝试 2 次。");
        for (Words w : new Words[] {en, zh}) {
            assertThat(w.pinRefusal(r)).doesNotContain("CKR_", "0xa0", "TRANSPORT_PIN");
            assertThat(w.details(r.details())).contains("CKR_PIN_INCORRECT");
        }
        PinRefusal locked = new PinRefusal(PinPrompt.CARD_PIN, "Carol", "demo-card-3", OptionalInt.of(0), true, 3, "…", "",
                PinRefusal.Reason.LOCKED);
        assertThat(en.pinRefusal(locked)).contains("Unblock", "replace");
        assertThat(zh.pinRefusal(locked)).contains("解锁", "更换");
    }
}
