package dev.munero.engine.detect;

import dev.munero.engine.cache.FileSets;
import dev.munero.engine.cache.GitFiles;
import dev.munero.engine.config.StepSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps detected output globs off the files git tracks (issue 9.2). A detector guesses outputs by
 * convention ({@code build/**}, {@code out/**}, {@code dist/**}); when a repository keeps sources there, the
 * guess would let {@code munero clean} delete them and a cache hit restore over a user's edit. So, for each
 * detected step, every output glob that matches tracked files is narrowed: a {@code !/<path>} exclusion is
 * added per tracked file, or, when it matches more than {@link #MAX_EXCLUSIONS} of them, the glob is dropped
 * (it is then more source than output). Each change is a warning naming the step, the glob and a tracked
 * file. The tracked files become inputs: an input exclusion that repeats a changed output glob is dropped
 * (outputs are never inputs, so the rest of that glob stays out).
 *
 * <p>Stateless and thread-safe.
 */
public final class TrackedOutputs {
    /** Above this many tracked files, an output glob is dropped rather than narrowed. */
    static final int MAX_EXCLUSIONS = 20;

    private TrackedOutputs() {
    }

    /**
     * The steps with their output globs narrowed away from tracked files.
     *
     * @param steps    detected steps
     * @param git      what git tracks under the repository root (paths relative to the root)
     * @param warnings receives one line per narrowed or dropped glob
     * @return the steps, in order; a step is the same instance when nothing changed
     */
    public static List<StepSpec> narrow(List<StepSpec> steps, GitFiles git, List<String> warnings) {
        if (!git.inGit() || git.tracked().isEmpty()) {
            return steps;
        }
        List<StepSpec> out = new ArrayList<>(steps.size());
        for (StepSpec step : steps) {
            List<String> excludes = step.outputs().stream().filter(g -> g.startsWith("!")).toList();
            List<String> outputs = new ArrayList<>();
            boolean changed = false;
            for (String glob : step.outputs()) {
                if (glob.startsWith("!")) {
                    continue;
                }
                List<String> globs = new ArrayList<>(excludes);
                globs.add(0, glob);
                List<String> claimed = FileSets.match(step.cwd(), globs, git.tracked());
                if (claimed.isEmpty()) {
                    outputs.add(glob);
                    continue;
                }
                changed = true;
                String example = claimed.get(0) + (claimed.size() > 1 ? " and " + (claimed.size() - 1) + " more" : "");
                if (claimed.size() > MAX_EXCLUSIONS) {
                    warnings.add("step " + step.name() + ": dropped the detected output glob " + glob + ": it matches "
                            + claimed.size() + " files git tracks (" + example + "); Munero never deletes or restores "
                            + "over tracked files. Declare the real outputs in a munero.yaml");
                } else {
                    outputs.add(glob);
                    claimed.forEach(c -> outputs.add("!/" + c));
                    warnings.add("step " + step.name() + ": the detected output glob " + glob + " matches "
                            + claimed.size() + " file" + (claimed.size() == 1 ? "" : "s") + " git tracks (" + example
                            + "); left " + (claimed.size() == 1 ? "it" : "them") + " out of the step's outputs, so "
                            + "Munero never deletes or restores over " + (claimed.size() == 1 ? "it" : "them"));
                }
            }
            if (!changed) {
                out.add(step);
                continue;
            }
            outputs.addAll(excludes);
            // an input exclusion that repeats a changed output glob would also hide the tracked files, which are
            // sources now: drop it; the outputs (minus the tracked files) are left out of the inputs anyway
            List<String> inputs = step.inputs().stream()
                    .filter(g -> !(g.startsWith("!") && step.outputs().contains(g.substring(1))))
                    .toList();
            out.add(step.toBuilder().outputs(outputs).inputs(inputs).build());
        }
        return out;
    }
}
