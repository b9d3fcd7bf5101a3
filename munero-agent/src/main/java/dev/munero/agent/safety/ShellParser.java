package dev.munero.agent.safety;

import dev.munero.agent.safety.ShellScript.Pipeline;
import dev.munero.agent.safety.ShellScript.SimpleCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits a POSIX shell command line ({@code sh -c} input) into pipelines and simple commands for
 * {@link CommandPolicy}: quotes ({@code '...'}, {@code "..."}, backslash), separators ({@code ;}, {@code &&},
 * {@code ||}, {@code &}, {@code |}, {@code |&}, newline), subshell and group parentheses and braces, comments,
 * redirections (their targets are kept apart from the words), here-documents, command substitution
 * ({@code $(...)}, backticks) and process substitution ({@code <(...)}, {@code >(...)}), each parsed recursively.
 * Parameter expansions and arithmetic are kept as text: the policy cannot know what {@code $X} runs, so such
 * commands do not match the allow list.
 *
 * <p>Never fails: text that ends inside a quote or a substitution gives a script marked incomplete (a shell would
 * reject it, or run what came before the error). Follows the shell command language of POSIX.1-2017, XCU
 * section 2 (Shell Command Language), closely enough to find every command a line can start; it is not a shell.
 *
 * <p>Not thread-safe; one instance parses one text once, through {@link #parse}.
 */
final class ShellParser {
    private static final Set<String> RESERVED = Set.of("!", "{", "}", "if", "then", "else", "elif", "fi", "do", "done",
            "while", "until", "time", "esac");

    private enum Pending { WORD, OUTPUT, INPUT, DUPLICATE, HERE_DOC, HERE_DOC_TABS }

    private final String s;
    private final boolean inSubstitution;
    private int i;
    private int parenDepth;
    private boolean complete = true;
    /** Where the next here-document body may start: after the line that introduced it and after earlier bodies. */
    private int hereDocEnd = -1;

    private final List<Pipeline> pipelines = new ArrayList<>();
    private final List<SimpleCommand> pipeline = new ArrayList<>();
    private final List<String> words = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();
    private final List<ShellScript> nested = new ArrayList<>();
    private final List<ShellScript> hereDocs = new ArrayList<>();
    private StringBuilder word;
    private Pending pending = Pending.WORD;

    private ShellParser(String s, int start, boolean inSubstitution) {
        this.s = s;
        this.i = start;
        this.inSubstitution = inSubstitution;
    }

    /** Parses {@code text}, e.g. {@code ls && git push origin main}. */
    static ShellScript parse(String text) {
        return new ShellParser(text, 0, false).run();
    }

    private ShellScript run() {
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            char next = i + 1 < n ? s.charAt(i + 1) : '\0';
            switch (c) {
                case ' ', '\t', '\r' -> {
                    endWord();
                    i++;
                }
                case '\\' -> {
                    if (next == '\n') {
                        i += 2;
                    } else {
                        append(next == '\0' ? "" : String.valueOf(next));
                        i += 2;
                    }
                }
                case '\'' -> singleQuoted();
                case '"' -> doubleQuoted();
                case '`' -> backticks();
                case '$' -> dollar(next);
                case '#' -> {
                    if (word == null) {
                        int eol = s.indexOf('\n', i);
                        i = eol < 0 ? n : eol;
                    } else {
                        append("#");
                        i++;
                    }
                }
                case '\n' -> {
                    endPipeline();
                    i++;
                    if (hereDocEnd > i) {
                        i = hereDocEnd;
                    }
                    hereDocEnd = -1;
                }
                case ';' -> {
                    endPipeline();
                    i++;
                }
                case '&' -> {
                    if (next == '>') {
                        i += 1;
                        redirect();
                    } else {
                        endPipeline();
                        i += next == '&' ? 2 : 1;
                    }
                }
                case '|' -> {
                    if (next == '|') {
                        endPipeline();
                        i += 2;
                    } else {
                        endCommand();
                        i += next == '&' ? 2 : 1;
                    }
                }
                case '>', '<' -> {
                    if (next == '(') {
                        substitution(i + 2, i);
                    } else {
                        redirect();
                    }
                }
                case '(' -> {
                    if (word == null) {
                        parenDepth++;
                        endCommand();
                    } else {
                        append("(");
                    }
                    i++;
                }
                case ')' -> {
                    i++;
                    if (parenDepth > 0) {
                        parenDepth--;
                        endCommand();
                    } else if (inSubstitution) {
                        endPipeline();
                        return new ShellScript(pipelines, complete);
                    } else {
                        endCommand();
                    }
                }
                default -> {
                    append(String.valueOf(c));
                    i++;
                }
            }
        }
        endPipeline();
        return new ShellScript(pipelines, complete && !inSubstitution);
    }

    private void singleQuoted() {
        int end = s.indexOf('\'', i + 1);
        if (end < 0) {
            append(s.substring(i + 1));
            complete = false;
            i = s.length();
        } else {
            append(s.substring(i + 1, end));
            i = end + 1;
        }
    }

    private void doubleQuoted() {
        append("");
        i++;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            char next = i + 1 < n ? s.charAt(i + 1) : '\0';
            if (c == '"') {
                i++;
                return;
            } else if (c == '\\' && "$`\"\\\n".indexOf(next) >= 0 && next != '\0') {
                if (next != '\n') {
                    append(String.valueOf(next));
                }
                i += 2;
            } else if (c == '`') {
                backticks();
            } else if (c == '$') {
                dollar(next);
            } else {
                append(String.valueOf(c));
                i++;
            }
        }
        complete = false;
    }

    private void backticks() {
        StringBuilder inner = new StringBuilder();
        int j = i + 1;
        int n = s.length();
        while (j < n && s.charAt(j) != '`') {
            if (s.charAt(j) == '\\' && j + 1 < n) {
                j++;
            }
            inner.append(s.charAt(j));
            j++;
        }
        if (j >= n) {
            complete = false;
        }
        ShellScript script = parse(inner.toString());
        nested.add(script);
        append(s.substring(i, Math.min(j + 1, n)));
        i = Math.min(j + 1, n);
    }

    private void dollar(char next) {
        if (next == '(' && i + 2 < s.length() && s.charAt(i + 2) == '(') {
            appendBalanced(i + 3, '(', ')', 2);
        } else if (next == '(') {
            substitution(i + 2, i);
        } else if (next == '{') {
            appendBalanced(i + 2, '{', '}', 1);
        } else {
            append("$");
            i++;
        }
    }

    /** A command or process substitution whose body starts at {@code bodyStart}; its text from {@code textStart}. */
    private void substitution(int bodyStart, int textStart) {
        ShellParser sub = new ShellParser(s, bodyStart, true);
        ShellScript script = sub.run();
        nested.add(script);
        complete &= script.complete();
        append(s.substring(textStart, sub.i));
        i = sub.i;
    }

    /** Appends text up to the {@code depth}-th unmatched {@code close} from {@code from} (arithmetic, {@code ${}}). */
    private void appendBalanced(int from, char open, char close, int depth) {
        int j = from;
        int n = s.length();
        while (j < n && depth > 0) {
            char c = s.charAt(j);
            if (c == open) {
                depth++;
            } else if (c == close) {
                depth--;
            }
            j++;
        }
        if (depth > 0) {
            complete = false;
        }
        append(s.substring(i, j));
        i = j;
    }

    /** At {@code <} or {@code >}: reads the operator; the next word is its target. */
    private void redirect() {
        if (word != null && !word.isEmpty() && word.chars().allMatch(Character::isDigit)) {
            word = null; // a file descriptor number, as in 2>err.log
        } else {
            endWord();
        }
        boolean output = s.charAt(i) == '>';
        i++;
        char next = i < s.length() ? s.charAt(i) : '\0';
        if (!output && next == '<') {
            i++;
            if (i < s.length() && s.charAt(i) == '<') {
                i++;
                pending = Pending.INPUT; // here-string: a word, not a file
            } else if (i < s.length() && s.charAt(i) == '-') {
                i++;
                pending = Pending.HERE_DOC_TABS;
            } else {
                pending = Pending.HERE_DOC;
            }
            return;
        }
        if (next == '&') {
            i++;
            pending = Pending.DUPLICATE;
        } else if (output && (next == '>' || next == '|')) {
            i++;
            pending = Pending.OUTPUT;
        } else if (!output && next == '>') {
            i++;
            pending = Pending.OUTPUT;
        } else {
            pending = output ? Pending.OUTPUT : Pending.INPUT;
        }
    }

    private void append(String text) {
        if (word == null) {
            word = new StringBuilder();
        }
        word.append(text);
    }

    private void endWord() {
        if (word == null) {
            return;
        }
        String w = word.toString();
        word = null;
        switch (pending) {
            case WORD -> words.add(w);
            case OUTPUT -> outputs.add(w);
            case INPUT -> {
            }
            case DUPLICATE -> {
                if (!w.matches("[0-9]+-?|-")) {
                    outputs.add(w);
                }
            }
            case HERE_DOC, HERE_DOC_TABS -> hereDoc(w, pending == Pending.HERE_DOC_TABS);
        }
        pending = Pending.WORD;
    }

    /** Reads the body of a here-document delimited by {@code delimiter}, which starts on the next line. */
    private void hereDoc(String delimiter, boolean stripTabs) {
        int eol = s.indexOf('\n', i);
        if (eol < 0) {
            complete = false;
            return;
        }
        int start = Math.max(eol + 1, hereDocEnd);
        int j = start;
        StringBuilder body = new StringBuilder();
        while (j < s.length()) {
            int lineEnd = s.indexOf('\n', j);
            String line = s.substring(j, lineEnd < 0 ? s.length() : lineEnd);
            j = lineEnd < 0 ? s.length() : lineEnd + 1;
            if ((stripTabs ? line.replaceFirst("^\t+", "") : line).equals(delimiter)) {
                hereDocs.add(parse(body.toString()));
                hereDocEnd = j;
                return;
            }
            body.append(line).append('\n');
        }
        hereDocs.add(parse(body.toString()));
        hereDocEnd = s.length();
        complete = false;
    }

    private void endCommand() {
        endWord();
        pending = Pending.WORD;
        int first = 0;
        while (first < words.size() && RESERVED.contains(words.get(first))) {
            first++;
        }
        List<String> kept = words.subList(first, words.size());
        if (!kept.isEmpty() || !outputs.isEmpty() || !nested.isEmpty() || !hereDocs.isEmpty()) {
            pipeline.add(new SimpleCommand(kept, outputs, nested, hereDocs));
        }
        words.clear();
        outputs.clear();
        nested.clear();
        hereDocs.clear();
    }

    private void endPipeline() {
        endCommand();
        if (!pipeline.isEmpty()) {
            pipelines.add(new Pipeline(pipeline));
            pipeline.clear();
        }
    }
}
