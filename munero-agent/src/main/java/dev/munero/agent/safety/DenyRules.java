package dev.munero.agent.safety;

import dev.munero.agent.safety.ShellScript.Pipeline;
import dev.munero.agent.safety.ShellScript.SimpleCommand;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The built-in deny list: commands never run, in any permission mode. Each rule looks at one simple command's
 * words, after wrappers such as {@code env}, {@code nohup}, {@code timeout} or {@code xargs} and leading variable
 * assignments are taken off; scripts given to {@code sh -c}, {@code bash -c} or {@code eval}, substitutions and
 * here-documents read by a shell are checked as commands too.
 *
 * <ul>
 *   <li>recursive removal ({@code rm -r}, {@code -rf}, {@code -fr}, {@code --recursive}, in any order) or recursive
 *       {@code chmod}/{@code chown}/{@code chgrp} of {@code /}, {@code /*}, a top-level directory such as
 *       {@code /usr}, or the home directory ({@code ~}, {@code $HOME}); {@code rm --no-preserve-root}</li>
 *   <li>{@code git push} (also with options before {@code push}, e.g. {@code git -C dir push})</li>
 *   <li>a download piped into a shell or interpreter that runs its standard input ({@code curl ... | sh},
 *       {@code wget -O- ... | bash}), or passed to one by substitution ({@code bash <(curl ...)},
 *       {@code sh -c "$(curl ...)"})</li>
 *   <li>{@code sudo}, {@code doas}, {@code su}, {@code pkexec}, {@code run0}</li>
 *   <li>{@code mkfs*}, {@code mke2fs}, {@code wipefs}; {@code dd of=/dev/...} (other than {@code /dev/null})</li>
 *   <li>{@code shutdown}, {@code reboot}, {@code halt}, {@code poweroff}, {@code systemctl reboot|poweroff|halt|kexec},
 *       {@code init 0|6}</li>
 *   <li>the fork bomb {@code :(){ :|:& };:} (any function name)</li>
 * </ul>
 *
 * <p>This guards against a model's mistakes, not against an adversary: {@code X=git; $X push} is not recognised.
 * Containment is the job of {@code --sandbox}. Thread-safe: stateless.
 */
final class DenyRules {
    private static final int MAX_DEPTH = 8;
    private static final Set<String> PRIVILEGE = Set.of("sudo", "doas", "su", "pkexec", "run0");
    private static final Set<String> SHELLS = Set.of("sh", "bash", "zsh", "dash", "ksh", "mksh", "fish", "csh", "tcsh",
            "ash", "busybox");
    private static final Set<String> INTERPRETERS = Set.of("python", "python2", "python3", "perl", "ruby", "node",
            "php", "lua", "deno", "bun");
    private static final Set<String> DOWNLOADERS = Set.of("curl", "wget", "fetch", "http", "https", "aria2c", "xh");
    private static final Set<String> POWER = Set.of("shutdown", "reboot", "halt", "poweroff");
    private static final Set<String> WRAPPERS = Set.of("env", "nohup", "command", "exec", "builtin", "time", "setsid",
            "stdbuf", "nice", "ionice", "timeout", "xargs", "watch", "unbuffer", "chronic");
    /** Wrapper options that take the next word as their value. */
    private static final Set<String> WRAPPER_OPTIONS_WITH_VALUE = Set.of("-u", "-C", "-n", "-s", "-k", "-I", "-P",
            "-d", "-L", "-E", "-a", "-c", "-p", "--unset", "--chdir", "--signal", "--kill-after", "--adjustment");
    private static final Set<String> GIT_OPTIONS_WITH_VALUE = Set.of("-C", "-c", "--git-dir", "--work-tree",
            "--namespace", "--super-prefix", "--config-env", "--exec-path");
    private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*", Pattern.DOTALL);
    private static final Pattern FORK_BOMB = Pattern.compile("([\\w:.]+)\\(\\)\\{\\1\\|\\1&?\\};?\\1");

    private DenyRules() {
    }

    /** Why {@code command} (the raw text) is denied, or empty. */
    static Optional<String> check(String command, ShellScript script) {
        if (FORK_BOMB.matcher(command.replaceAll("\\s+", "")).find()) {
            return Optional.of("a fork bomb is never allowed");
        }
        return check(script, 0);
    }

    private static Optional<String> check(ShellScript script, int depth) {
        if (depth > MAX_DEPTH) {
            return Optional.of("commands nested more than " + MAX_DEPTH + " levels deep cannot be checked");
        }
        for (Pipeline pipeline : script.pipelines()) {
            Optional<String> piped = downloadIntoShell(pipeline);
            if (piped.isPresent()) {
                return piped;
            }
            for (SimpleCommand c : pipeline.commands()) {
                Optional<String> reason = checkCommand(c, depth);
                if (reason.isPresent()) {
                    return reason;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> checkCommand(SimpleCommand c, int depth) {
        for (ShellScript n : c.nested()) {
            Optional<String> reason = check(n, depth + 1);
            if (reason.isPresent()) {
                return reason;
            }
        }
        List<String> argv = unwrap(c.words());
        if (argv.isEmpty()) {
            return Optional.empty();
        }
        String program = program(argv);
        List<String> args = argv.subList(1, argv.size());
        if (SHELLS.contains(program) || program.equals("eval") || program.equals("source") || program.equals(".")) {
            if (c.nested().stream().anyMatch(DenyRules::downloads)) {
                return Optional.of("running a downloaded script (" + program + " with curl/wget output) is never allowed");
            }
            Optional<String> inline = inlineScript(program, args);
            if (inline.isPresent()) {
                Optional<String> reason = check(ShellParser.parse(inline.get()), depth + 1);
                if (reason.isPresent()) {
                    return reason;
                }
            }
            for (ShellScript body : c.hereDocs()) {
                Optional<String> reason = check(body, depth + 1);
                if (reason.isPresent()) {
                    return reason;
                }
            }
        }
        return rule(program, args);
    }

    private static Optional<String> rule(String program, List<String> args) {
        if (PRIVILEGE.contains(program)) {
            return Optional.of(program + " is never allowed: commands run as the user who started munero");
        }
        if (program.equals("rm")) {
            if (args.contains("--no-preserve-root")) {
                return Optional.of("rm --no-preserve-root is never allowed");
            }
            return recursiveOnRoot("rm", args);
        }
        if (program.equals("chmod") || program.equals("chown") || program.equals("chgrp")) {
            return recursiveOnRoot(program, args);
        }
        if (program.equals("git") && "push".equals(gitSubcommand(args))) {
            return Optional.of("git push is never allowed: the user reviews and pushes the agent's work");
        }
        if (program.startsWith("mkfs") || program.equals("mke2fs") || program.equals("wipefs")) {
            return Optional.of(program + " (formatting a file system) is never allowed");
        }
        if (program.equals("dd") && args.stream().anyMatch(a -> a.startsWith("of=/dev/")
                && !Set.of("of=/dev/null", "of=/dev/stdout", "of=/dev/stderr").contains(a))) {
            return Optional.of("dd onto a device is never allowed");
        }
        if (POWER.contains(program)
                || program.equals("systemctl") && args.stream().anyMatch(Set.of("reboot", "poweroff", "halt", "kexec")::contains)
                || (program.equals("init") || program.equals("telinit")) && args.stream().anyMatch(Set.of("0", "6")::contains)) {
            return Optional.of("shutting down or rebooting the machine is never allowed");
        }
        return Optional.empty();
    }

    /** A pipeline in which a download reaches a shell or interpreter reading its program from standard input. */
    private static Optional<String> downloadIntoShell(Pipeline pipeline) {
        boolean downloaded = false;
        for (SimpleCommand c : pipeline.commands()) {
            List<String> argv = unwrap(c.words());
            if (argv.isEmpty()) {
                continue;
            }
            String program = program(argv);
            if (downloaded && runsStandardInput(program, argv.subList(1, argv.size()))) {
                return Optional.of("piping a download into " + program + " (curl | sh) is never allowed");
            }
            downloaded |= DOWNLOADERS.contains(program);
        }
        return Optional.empty();
    }

    private static boolean downloads(ShellScript script) {
        return script.allCommands().stream().map(c -> unwrap(c.words()))
                .anyMatch(argv -> !argv.isEmpty() && DOWNLOADERS.contains(program(argv)));
    }

    /** Whether {@code program args} runs code read from standard input (e.g. {@code sh}, {@code bash -s x}, {@code python3 -}). */
    private static boolean runsStandardInput(String program, List<String> args) {
        if (!SHELLS.contains(program) && !INTERPRETERS.contains(program)) {
            return false;
        }
        for (String a : args) {
            if (a.equals("-") || a.equals("-s") || a.equals("--")) {
                return true;
            }
            if (a.startsWith("-")) {
                if (a.equals("-c") || a.equals("-m") || a.equals("-e") || a.equals("-p") || a.equals("--eval")
                        || SHELLS.contains(program) && !a.startsWith("--") && a.indexOf('c') > 0) {
                    return false; // the program is an argument
                }
                continue;
            }
            return false; // a script file
        }
        return true;
    }

    /** The script passed as {@code sh -c SCRIPT} (or {@code -ec}, {@code -lc}, ...) or {@code eval WORDS}. */
    private static Optional<String> inlineScript(String program, List<String> args) {
        if (program.equals("eval")) {
            return args.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", args));
        }
        for (int k = 0; k < args.size(); k++) {
            String a = args.get(k);
            if (!a.startsWith("-") || a.equals("-") || a.equals("--")) {
                return Optional.empty();
            }
            if (!a.startsWith("--") && a.indexOf('c') > 0) {
                return k + 1 < args.size() ? Optional.of(args.get(k + 1)) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static Optional<String> recursiveOnRoot(String program, List<String> args) {
        boolean recursive = false;
        boolean options = true;
        String target = null;
        for (String a : args) {
            if (options && a.equals("--")) {
                options = false;
            } else if (options && a.startsWith("--")) {
                recursive |= a.equals("--recursive");
            } else if (options && a.startsWith("-") && a.length() > 1) {
                recursive |= a.indexOf('r') > 0 || a.indexOf('R') > 0;
            } else if (isRootOrHome(a)) {
                target = a;
            }
        }
        if (recursive && target != null) {
            return Optional.of("recursive " + program + " of " + target + " is never allowed");
        }
        return Optional.empty();
    }

    /** {@code /}, {@code /*}, a top-level directory ({@code /usr}, {@code /etc/}), or the home directory. */
    static boolean isRootOrHome(String path) {
        String p = path.replaceAll("/+", "/");
        while (p.endsWith("/*") || p.endsWith("/.") || (p.endsWith("/") && p.length() > 1)) {
            p = p.endsWith("/") ? p.substring(0, p.length() - 1) : p.substring(0, p.length() - 2);
        }
        return p.isEmpty() || p.equals("/") || p.equals("/*") || p.matches("/[^/]+") || p.matches("~[^/]*")
                || p.equals("$HOME") || p.equals("${HOME}");
    }

    private static String gitSubcommand(List<String> args) {
        for (int k = 0; k < args.size(); k++) {
            String a = args.get(k);
            if (!a.startsWith("-")) {
                return a;
            }
            if (GIT_OPTIONS_WITH_VALUE.contains(a)) {
                k++;
            }
        }
        return null;
    }

    /** The words that run: leading assignments and wrapper commands (with their options) taken off. */
    static List<String> unwrap(List<String> words) {
        int k = 0;
        while (k < words.size()) {
            String w = words.get(k);
            if (ASSIGNMENT.matcher(w).matches()) {
                k++;
                continue;
            }
            String name = basename(w);
            if (!WRAPPERS.contains(name)) {
                break;
            }
            k++;
            while (k < words.size() && words.get(k).startsWith("-") && words.get(k).length() > 1) {
                k += WRAPPER_OPTIONS_WITH_VALUE.contains(words.get(k)) ? 2 : 1;
            }
            if (name.equals("timeout") && k < words.size()) {
                k++; // the duration
            }
        }
        return words.subList(Math.min(k, words.size()), words.size());
    }

    private static String program(List<String> argv) {
        return basename(argv.get(0)).toLowerCase(Locale.ROOT);
    }

    private static String basename(String word) {
        int slash = word.lastIndexOf('/');
        return slash >= 0 ? word.substring(slash + 1) : word;
    }
}
