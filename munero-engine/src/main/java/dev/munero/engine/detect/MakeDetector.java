package dev.munero.engine.detect;

import dev.munero.engine.config.Command;
import dev.munero.engine.config.StepSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Detects a makefile at the repository root, looked up in GNU make's order: GNUmakefile, makefile,
 * Makefile (GNU make manual, section 3.2 "What Name to Give Your Makefile").
 *
 * <p>Steps, run at the root: {@code make:build} = {@code make build} when the makefile has a rule for
 * {@code build}, else {@code make} (the default goal); {@code make:test} = {@code make test} after it,
 * only when there is a rule for {@code test}. Both cache with inputs {@code **} (in git: the files git does not
 * ignore) and no outputs: what a makefile produces is unknown. What make writes next to its sources becomes
 * part of the inputs; the build engine stores a run under the key of the files it left behind, so the next
 * build is a cache hit (issue 9.6). {@link AutoDetector} uses this detector only when no other build system
 * was found, because many repositories keep a makefile as a shortcut to their real build tool.
 *
 * <p>Limitation: rules are found by a regular expression over lines that start a rule; targets from
 * included makefiles, variables or pattern rules are not seen.
 *
 * <p>Stateless and thread-safe.
 */
final class MakeDetector implements Detector {

    private static final List<String> NAMES = List.of("GNUmakefile", "makefile", "Makefile");
    /** A rule line: targets, then {@code :} or {@code ::}, but not the {@code :=} / {@code ::=} of a variable. */
    private static final Pattern RULE = Pattern.compile("^([^\\t#:=][^#:=]*?)\\s*(?:::(?!=)|:(?![:=]))");

    @Override
    public String id() {
        return "make";
    }

    @Override
    public Set<String> buildFileNames() {
        return Set.copyOf(NAMES);
    }

    @Override
    public Detection scan(RepoTree tree) throws DetectionException {
        Path makefile = NAMES.stream().map(Path::of).filter(tree::hasFile).findFirst().orElse(null);
        if (makefile == null) {
            return new Detection(List.of(), List.of());
        }
        Set<String> targets = targets(BuildFiles.read(tree, makefile));
        List<StepSpec> steps = new ArrayList<>();
        List<String> build = targets.contains("build") ? List.of("make", "build") : List.of("make");
        steps.add(StepSpec.builder("make:build", new Command.Argv(build)).build());
        if (targets.contains("test")) {
            steps.add(StepSpec.builder("make:test", new Command.Argv(List.of("make", "test")))
                    .dependsOn(List.of("make:build"))
                    .build());
        }
        return new Detection(steps, List.of());
    }

    /** The explicit targets of the rules in a makefile. */
    static Set<String> targets(String makefile) {
        Set<String> targets = new LinkedHashSet<>();
        for (String line : makefile.split("\\R")) {
            Matcher m = RULE.matcher(line);
            if (m.find()) {
                for (String t : m.group(1).trim().split("\\s+")) {
                    if (!t.isEmpty()) {
                        targets.add(t);
                    }
                }
            }
        }
        return targets;
    }
}
