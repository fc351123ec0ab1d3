package org.hsmc.app.gui;

import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.ListView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.hsmc.ceremony.custody.QuorumRefusal;
import org.hsmc.ceremony.run.RunState;
import org.hsmc.ceremony.script.CeremonyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plain language in both languages: the words for roles, states, refusal kinds and ceremony types; a PKCS#11 code on a
 * details line; the quorum rule in words; and the parameter forms of every type, in English and Chinese, with labels
 * in words, the keys of a working-key ceremony and the custodians of initialize edited as rows (no YAML box), and a
 * parser problem named by its field in words.
 */
@ExtendWith(ApplicationExtension.class)
class PlainWordsTest {

    /** What must never be on a screen: an enum constant, a PKCS#11 code, a YAML path. */
    static final Pattern INTERNAL = Pattern.compile("\\b(SECURITY_OFFICER|KEY_CUSTODIAN|WRONG_PIN|UNKNOWN_CARD|CKR_[A-Z_]+|roles=)"
            + "|\\b[a-z]+\\[\\d+]\\.[a-z_]+|\\b[a-z]+_[a-z_]+\\b");

    @TempDir
    Path tmp;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @Test
    void wordsInBothLanguages() {
        I18n en = new I18n(Locale.ENGLISH);
        I18n zh = new I18n(Locale.SIMPLIFIED_CHINESE);
        assertThat(Words.refusal(en, QuorumRefusal.Kind.UNKNOWN_CARD)).isEqualTo("Card not known to this console");
        assertThat(Words.refusal(zh, QuorumRefusal.Kind.WRONG_PIN)).isEqualTo("PIN 错误");
        assertThat(Words.runState(zh, RunState.COMPLETED)).isEqualTo("已完成");
        assertThat(Words.runState(en, "DONE_SOMEHOW")).isEqualTo("done somehow");
        assertThat(Words.keyStatus(zh, "REVOKED")).isEqualTo("已吊销");
        assertThat(Words.keyStatus(en, "ACTIVE")).isEqualTo("active");
        assertThat(Words.type(zh, CeremonyType.EXPORT_BUNDLE)).isEqualTo("导出密钥包");
        for (CeremonyType t : CeremonyType.values()) {
            assertThat(Words.type(en, t)).doesNotContain("-").doesNotStartWith("!");
            assertThat(Words.type(zh, t)).doesNotStartWith("!");
        }
        for (QuorumRefusal.Kind k : QuorumRefusal.Kind.values()) {
            assertThat(Words.refusal(zh, k)).doesNotStartWith("!").doesNotContain("_");
        }
        assertThat(Words.policy(en, "roles=KEY_CUSTODIAN,SECURITY_OFFICER;min.SECURITY_OFFICER=1"))
                .isEqualTo("any security officer or key custodian; at least 1 security officer");
        assertThat(Words.policy(zh, "roles=KEY_CUSTODIAN,SECURITY_OFFICER")).isEqualTo("任一安全主管或密钥保管人");
        String f = Words.failure(en, "step 4 failed: C_SetPIN returned CKR_PIN_INCORRECT (0xa0); type it again");
        assertThat(f.lines().toList()).containsExactly("step 4 failed: The PIN was not accepted.; type it again",
                "Details: C_SetPIN returned CKR_PIN_INCORRECT (0xa0)");
        assertThat(Words.failure(zh, "CKR_PIN_LOCKED (0xa4)")).startsWith("卡已锁定").contains("\n详细信息：CKR_PIN_LOCKED (0xa4)");
        assertThat(ParameterWords.problem(en, "keys[0].algorithm: 'AES-512' is not an algorithm"))
                .isEqualTo("Key 1, Algorithm: 'AES-512' is not an algorithm");
        assertThat(ParameterWords.problem(zh, "expires_in_days: must be 1 to 3650")).isEqualTo("密钥包有效期（天）：must be 1 to 3650");
    }

    private static void labeled(Node n, List<String> out) {
        if (n instanceof Labeled l && l.isVisible() && l.getText() != null) {
            out.add(l.getText());
        }
        if (n instanceof Parent p) {
            p.getChildrenUnmodifiable().forEach(c -> labeled(c, out));
        }
    }

    private CeremonyView form(FxRobot robot, Locale locale, CeremonyType type) throws Exception {
        AtomicReference<CeremonyView> view = new AtomicReference<>();
        robot.interact(() -> {
            // the form's check is the parser alone: it runs at once, on this thread
            MainWindow w = new MainWindow(new ConsoleApp.Options(tmp, false, locale, tmp), new I18n(locale), new SameThreadTasks());
            ConsoleApp.show(stage, w, 1024, 768);
            CeremonyView v = w.ceremonyView();
            ((javafx.scene.layout.BorderPane) w.root()).setCenter(v.node());
            v.openForm(type);
            view.set(v);
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return view.get().currentCheck() != null;
        });
        return view.get();
    }

    @Test
    void everyFormInWordsInBothLanguages(FxRobot robot) throws Exception {
        for (Locale locale : List.of(Locale.ENGLISH, Locale.SIMPLIFIED_CHINESE)) {
            for (CeremonyType t : CeremonyType.values()) {
                form(robot, locale, t);
                List<String> texts = new ArrayList<>();
                robot.interact(() -> labeled(stage.getScene().getRoot(), texts));
                assertThat(texts).as("%s %s", t, locale).noneMatch(s -> INTERNAL.matcher(s).find());
            }
        }
    }

    @Test
    void theKeysOfAWorkingKeyCeremonyAreRows(FxRobot robot) throws Exception {
        CeremonyView v = form(robot, Locale.ENGLISH, CeremonyType.GENERATE_WORKING_KEYS);
        Node keys = robot.lookup("#param-keys").query();
        assertThat(keys).isNotInstanceOf(TextArea.class);
        assertThat(v.currentCheck().valid()).isTrue();
        // a second key, as a row: the script gets it, the parser accepts it
        robot.interact(() -> robot.lookup("#param-keys-add").queryButton().fire());
        WaitForAsyncUtils.waitForFxEvents();
        ComboBox<String> purpose = robot.lookup("#param-keys-1-purpose").queryComboBox();
        robot.interact(() -> purpose.setValue("MAC"));
        for (String[] cell : new String[][] {{"version", "1"}, {"valid-from", "2027-01-01T00:00:00Z"}, {"valid-until", "2028-01-01T00:00:00Z"}}) {
            TextField f = robot.lookup("#param-keys-1-" + cell[0]).queryAs(TextField.class);
            robot.interact(() -> f.setText(cell[1]));
        }
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return v.currentCheck() != null && v.currentCheck().valid();
        });
        String yaml = robot.lookup("#script-preview").queryAs(TextArea.class).getText();
        assertThat(yaml).contains("- purpose: DEK", "- purpose: MAC", "algorithm: AES-256");
        // a wrong version: the problem names the key and the column in words
        TextField version = robot.lookup("#param-keys-1-version").queryAs(TextField.class);
        robot.interact(() -> version.setText("0"));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return v.currentCheck() != null && !v.currentCheck().valid();
        });
        String problem = robot.lookup("#problem-keys").queryAs(Label.class).getText();
        assertThat(problem).startsWith("Key 2, Version: ").doesNotContain("keys[1]");
        // removing the row makes it valid again
        robot.interact(() -> robot.lookup("#param-keys-remove-1").queryButton().fire());
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return v.currentCheck() != null && v.currentCheck().valid();
        });
    }

    @Test
    void theCustodiansOfInitializeAreRowsWithRolesInWords(FxRobot robot) throws Exception {
        form(robot, Locale.SIMPLIFIED_CHINESE, CeremonyType.INITIALIZE);
        ComboBox<String> role = robot.lookup("#param-custodians-0-role").queryComboBox();
        assertThat(role.getValue()).isEqualTo("SECURITY_OFFICER");
        assertThat(role.getConverter().toString(role.getValue())).isEqualTo("安全主管");
        assertThat(robot.lookup("#param-custodians-4-name").queryAs(TextField.class).getText()).isEqualTo("Erin");
    }
}
