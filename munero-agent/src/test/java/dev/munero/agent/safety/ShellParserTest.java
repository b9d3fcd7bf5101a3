package dev.munero.agent.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.agent.safety.ShellScript.SimpleCommand;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShellParserTest {

    private static List<String> texts(String line) {
        return ShellParser.parse(line).allCommands().stream().map(SimpleCommand::text).toList();
    }

    @Test
    void splitsOnEverySeparatorAndKeepsQuotedTextTogether() {
        assertThat(texts("a 1; b 2 && c || d | e & f\ng"))
                .containsExactly("a 1", "b 2", "c", "d", "e", "f", "g");
        assertThat(texts("echo 'a; b' \"c && d\" e\\;f")).containsExactly("echo a; b c && d e;f");
    }

    @Test
    void findsCommandsInSubstitutionsSubshellsAndCompoundCommands() {
        assertThat(texts("echo $(date +%s) `whoami`")).containsExactly("echo $(date +%s) `whoami`", "date +%s", "whoami");
        assertThat(texts("(cd x && make) | tee log")).containsExactly("cd x", "make", "tee log");
        assertThat(texts("if test -f a; then cat a; else echo no; fi")).containsExactly("test -f a", "cat a", "echo no");
        assertThat(texts("echo \"now $(date)\"")).containsExactly("echo now $(date)", "date");
    }

    @Test
    void separatesRedirectionTargetsFromWords() {
        SimpleCommand c = ShellParser.parse("sort <in.txt >out.txt 2>&1 2>>err.log").allCommands().get(0);

        assertThat(c.words()).containsExactly("sort");
        assertThat(c.outputFiles()).containsExactly("out.txt", "err.log");
    }

    @Test
    void readsHereDocumentsAsTheirOwnScripts() {
        ShellScript script = ShellParser.parse("bash <<'EOF'\ngit push\nEOF\necho done");

        assertThat(script.allCommands()).extracting(SimpleCommand::text).containsExactly("bash", "echo done");
        assertThat(script.allCommands().get(0).hereDocs().get(0).allCommands())
                .extracting(SimpleCommand::text).containsExactly("git push");
    }

    @Test
    void marksTextThatEndsInsideAQuoteOrSubstitutionIncomplete() {
        assertThat(ShellParser.parse("echo 'open").completeThroughout()).isFalse();
        assertThat(ShellParser.parse("echo $(date").completeThroughout()).isFalse();
        assertThat(ShellParser.parse("echo ok # a comment; rm x").completeThroughout()).isTrue();
        assertThat(texts("echo ok # a comment; rm x")).containsExactly("echo ok");
    }
}
