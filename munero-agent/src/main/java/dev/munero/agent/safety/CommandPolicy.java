package dev.munero.agent.safety;

import dev.munero.agent.safety.ShellScript.SimpleCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Decides whether a shell command the model wants to run may run: the built-in deny list, the user's deny
 * patterns, the allow patterns, and the {@link PermissionMode}.
 *
 * <p>The command is split into its simple commands first ({@code ;}, {@code &&}, {@code ||}, {@code |}, {@code &},
 * newlines, subshells, {@code $(...)} and backticks; see {@link ShellParser}), each with its quotes removed and
 * whitespace collapsed, and every one of them is judged:
 * <ol>
 *   <li>{@link Decision.Deny} when any matches the built-in deny list ({@link DenyRules}: {@code rm -rf /},
 *       {@code git push}, {@code curl ... | sh}, {@code sudo}, {@code mkfs}, {@code dd of=/dev/...},
 *       shutdown and reboot, the fork bomb, {@code chmod -R 777 /}) or a {@link #denied()} pattern — in every mode,
 *       {@link PermissionMode#FULL} included;</li>
 *   <li>in {@code FULL}, {@link Decision.Allow};</li>
 *   <li>in {@code AUTO_EDIT}, {@link Decision.Allow} when every simple command matches an {@link #allowed()} pattern,
 *       writes no file by redirection (other than {@code /dev/null}), is not a {@code find} that runs or deletes
 *       ({@code -exec}, {@code -delete}, ...), and the line parsed completely; otherwise {@link Decision.Ask};</li>
 *   <li>in {@code ASK}, {@link Decision.Ask}.</li>
 * </ol>
 *
 * <p>Patterns are word prefixes with {@code *} wildcards: a pattern matches a simple command that starts with it
 * word for word, where {@code *} matches any characters, spaces included. {@code npm test} matches
 * {@code npm test} and {@code npm test -- --watch} but not {@code npm testx}; {@code mvn *} and {@code mvn} both
 * match {@code mvn -q verify}; {@code git log*} matches {@code git log} and {@code git logx}.
 *
 * <p>The allow list is a convenience, not a boundary; the sandbox is the boundary. Where it cannot start, only
 * commands on the allow list run (see {@code Sandbox.refusesUnlisted()}), so it holds read-only commands only.
 *
 * @param allowed patterns of commands that run without asking in {@code auto-edit} mode
 * @param denied  patterns of commands that never run, on top of the built-in deny list
 */
public record CommandPolicy(List<String> allowed, List<String> denied) {
    /**
     * Read-only commands that {@link #defaults()} allows. No interpreter, build tool or program that can write a
     * file or run another program by its arguments is on it ({@code node}, {@code python3}, {@code java},
     * {@code make}, {@code mvn}, {@code npm run}, {@code sed}, {@code sort -o}, {@code uniq IN OUT}, ...): each of
     * them runs whatever the workspace's files say (issue 10). Builds go through the {@code build} tool.
     */
    public static final List<String> DEFAULT_ALLOWED = List.of(
            "ls", "cat", "head", "tail", "wc", "find", "grep", "egrep", "fgrep", "rg", "tree", "file", "stat", "du",
            "diff", "cut", "tr", "which", "type", "basename", "dirname", "realpath", "pwd", "echo",
            "printf", "true", "false", "date", "cd", "jq",
            "git status", "git diff", "git log", "git show", "git blame", "git ls-files", "git rev-parse");
    /** Options of allowed programs that write a file or run a program: {@code git diff --output=F}, {@code rg --pre}. */
    private static final java.util.Map<String, List<String>> WRITING_OPTIONS = java.util.Map.of(
            "git", List.of("--output", "--ext-diff", "--textconv"), "rg", List.of("--pre"), "tree", List.of("-o"),
            "date", List.of("-s", "--set"), "file", List.of("-C", "--compile"));
    private static final Set<String> FIND_ACTIONS = Set.of("-exec", "-execdir", "-ok", "-okdir", "-delete",
            "-fprint", "-fprint0", "-fprintf", "-fls");
    private static final Set<String> HARMLESS_OUTPUTS = Set.of("/dev/null", "/dev/stdout", "/dev/stderr");

    /**
     * @throws IllegalArgumentException when a pattern is blank
     */
    public CommandPolicy {
        allowed = List.copyOf(allowed);
        denied = List.copyOf(denied);
        if (Stream.concat(allowed.stream(), denied.stream()).anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("a command pattern must not be blank; allowed " + allowed
                    + ", denied " + denied);
        }
    }

    /** The default policy: {@link #DEFAULT_ALLOWED}, no extra deny patterns. */
    public static CommandPolicy defaults() {
        return new CommandPolicy(DEFAULT_ALLOWED, List.of());
    }

    /** This policy also allowing {@code patterns} (e.g. from {@code --allow 'npm run lint'}). */
    public CommandPolicy withAllowed(List<String> patterns) {
        return new CommandPolicy(concat(allowed, patterns), denied);
    }

    /** This policy also denying {@code patterns} (e.g. from {@code --deny 'docker *'}). */
    public CommandPolicy withDenied(List<String> patterns) {
        return new CommandPolicy(allowed, concat(denied, patterns));
    }

    /**
     * The first {@link #denied()} pattern that matches {@code name} as a whole, e.g. {@code mcp__fs__*} for the MCP
     * tool name {@code mcp__fs__write_file} (patterns as for commands; the built-in deny list is for shell commands
     * and does not apply).
     */
    public Optional<String> deniedName(String name) {
        return denied.stream().filter(p -> compile(p).matcher(name).matches()).findFirst();
    }

    /** The first {@link #allowed()} pattern that matches {@code name} as a whole (see {@link #deniedName}). */
    public Optional<String> allowedName(String name) {
        return allowed.stream().filter(p -> compile(p).matcher(name).matches()).findFirst();
    }

    /**
     * Decides whether {@code command} may run in {@code mode}.
     *
     * @param command the text given to {@code sh -c}
     * @return {@link Decision.Deny} with a reason the model can read (e.g. "denied by policy: git push is never
     *         allowed ..."), or {@link Decision.Allow} or {@link Decision.Ask} as described above
     */
    public Decision decide(String command, PermissionMode mode) {
        return decide(command, mode, Optional.empty());
    }

    /**
     * Decides whether {@code command} may run in {@code mode}, as {@link #decide(String, PermissionMode)}; when the
     * command runs unsandboxed ({@code uncontained} holds the workspace root), {@code auto-edit} allows it without
     * asking only when, besides the rules above, no argument names a place outside the workspace: no word that
     * starts with {@code /} or {@code ~} or climbs with {@code ..} out of it (also after {@code --opt=}), no symlink
     * out of it, no {@code $} expansion.
     *
     * @param uncontained the workspace root (a real path) when the command runs without the sandbox, else empty
     */
    public Decision decide(String command, PermissionMode mode, Optional<java.nio.file.Path> uncontained) {
        Objects.requireNonNull(command, "command");
        ShellScript script = ShellParser.parse(command);
        Optional<String> denial = DenyRules.check(command, script).or(() -> userDenial(script));
        if (denial.isPresent()) {
            return Decision.deny("denied by policy: " + denial.get());
        }
        return switch (mode) {
            case FULL -> Decision.allow("permission mode full");
            case ASK -> Decision.ask("permission mode ask");
            case AUTO_EDIT -> notAllowed(script, uncontained).<Decision>map(Decision::ask)
                    .orElseGet(() -> Decision.allow("on the allow list"));
        };
    }

    private Optional<String> userDenial(ShellScript script) {
        List<Pattern> patterns = denied.stream().map(CommandPolicy::compile).toList();
        for (SimpleCommand c : script.allCommands()) {
            Stream<String> forms = Stream.of(c.text(), String.join(" ", DenyRules.unwrap(c.words())));
            for (String form : forms.toList()) {
                for (int k = 0; k < patterns.size(); k++) {
                    if (patterns.get(k).matcher(form).matches()) {
                        return Optional.of("'" + c.text() + "' matches the deny pattern '" + denied.get(k) + "'");
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Why {@code script} is not allowed without asking, or empty when it is. */
    private Optional<String> notAllowed(ShellScript script, Optional<java.nio.file.Path> uncontained) {
        if (!script.completeThroughout()) {
            return Optional.of("the command ends inside a quote or substitution");
        }
        List<Pattern> patterns = allowed.stream().map(CommandPolicy::compile).toList();
        for (SimpleCommand c : script.allCommands()) {
            String text = c.text();
            Optional<String> writes = c.outputFiles().stream().filter(f -> !HARMLESS_OUTPUTS.contains(f)).findFirst();
            if (writes.isPresent()) {
                return Optional.of("'" + text + "' writes to " + writes.get());
            }
            if (c.words().isEmpty()) {
                continue;
            }
            if (patterns.stream().noneMatch(p -> p.matcher(text).matches())) {
                return Optional.of("'" + text + "' is not on the allow list");
            }
            if (c.words().get(0).equals("find") && c.words().stream().anyMatch(FIND_ACTIONS::contains)) {
                return Optional.of("'" + text + "' runs commands or deletes files");
            }
            List<String> args = c.words().subList(1, c.words().size());
            List<String> writing = WRITING_OPTIONS.getOrDefault(c.words().get(0), List.of());
            Optional<String> option = args.stream().filter(w -> writing.stream()
                    .anyMatch(o -> w.equals(o) || w.startsWith(o + "=") || (o.startsWith("--") && w.startsWith(o))
                            || (!o.startsWith("--") && w.startsWith(o)))).findFirst();
            if (option.isPresent()) {
                return Optional.of("'" + text + "' uses " + option.get() + ", which writes a file or runs a program");
            }
            if (uncontained.isPresent()) {
                Optional<String> outside = args.stream().filter(w -> leavesWorkspace(w, uncontained.get())).findFirst();
                if (outside.isPresent()) {
                    return Optional.of("'" + text + "' names " + outside.get() + ", outside the workspace, and commands "
                            + "run unsandboxed");
                }
            }
        }
        return Optional.empty();
    }

    /** Whether an argument word may name a file outside {@code workspace} (a real path). */
    static boolean leavesWorkspace(String word, java.nio.file.Path workspace) {
        if (word.contains("$") || word.contains("`")) {
            return true;
        }
        List<String> candidates = new ArrayList<>(List.of(word));
        int eq = word.indexOf('=');
        if (word.startsWith("-") && eq > 0) {
            candidates.add(word.substring(eq + 1));
        }
        for (String candidate : candidates) {
            String fixed = candidate.split("[*?\\[]", 2)[0];
            if (fixed.startsWith("~")) {
                return true;
            }
            if (HARMLESS_OUTPUTS.contains(fixed) || (!fixed.startsWith("/") && !fixed.contains(".."))
                    && !java.nio.file.Files.isSymbolicLink(workspace.resolve(fixed.isEmpty() ? "." : fixed))) {
                continue;
            }
            java.nio.file.Path p;
            try {
                p = workspace.resolve(fixed).normalize();
                if (java.nio.file.Files.exists(p)) {
                    p = p.toRealPath();
                }
            } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
                return true;
            }
            if (!p.startsWith(workspace)) {
                return true;
            }
        }
        return false;
    }

    /** The regular expression of a pattern: word prefix, {@code *} any characters, a trailing {@code " *"} optional. */
    static Pattern compile(String pattern) {
        String p = pattern.strip().replaceAll("\\s+", " ");
        while (p.endsWith(" *")) {
            p = p.substring(0, p.length() - 2).stripTrailing();
        }
        StringBuilder regex = new StringBuilder();
        int start = 0;
        for (int star = p.indexOf('*'); star >= 0; star = p.indexOf('*', start)) {
            regex.append(Pattern.quote(p.substring(start, star))).append(".*");
            start = star + 1;
        }
        regex.append(Pattern.quote(p.substring(start)));
        if (!p.endsWith("*")) {
            regex.append("(?: .*)?");
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
