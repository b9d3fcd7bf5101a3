package dev.munero.core.swarm;

import dev.munero.core.plan.PlanTask;
import dev.munero.store.AgentTaskRecord;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The scheduler of a run with agent profiles (issue 14): every profile whose role takes tasks (not planner, not
 * reviewer) and that has a free slot ({@code max_concurrent}) gets a score for the ready task, and the best takes it;
 * a tie goes to the profile declared first. The score is the weighted mean ({@link ScoringWeights#score}) of five
 * factors, each in [0, 1]:
 * <ul>
 *   <li><b>availability</b>: its free slots over its {@code max_concurrent};</li>
 *   <li><b>expertise</b>: the mean of the skills match (the share of the task's skills the profile has; 1 when the
 *       task names none) and the role match (1 when the task's role is the profile's or the task has none, else 0);</li>
 *   <li><b>workload</b>: 1 − its running tasks over all running tasks of the run (1 when nothing runs);</li>
 *   <li><b>success</b>: its measured success rate across runs, {@code (passed + 1) / (judged + 2)} over its rows of
 *       {@code agent_tasks} whose checks have run (Laplace's rule of succession: 0.5 with no history, and one run
 *       cannot swing it to 0 or 1);</li>
 *   <li><b>affinity</b>: the share of the task's planned files that the profile's earlier tasks (any run) changed;
 *       0 for a task that plans no files.</li>
 * </ul>
 *
 * <p>The history is read from {@code history} at every {@link #assign}, so rows this run settles count at once.
 * Not thread-safe: the coordinating thread only (as {@link AgentScheduler} says).
 */
public final class ScoringScheduler implements AgentScheduler {
    private final List<AgentProfile> profiles;
    private final ScoringWeights weights;
    private final Supplier<List<AgentTaskRecord>> history;

    /**
     * @param profiles the run's profiles in declaration order; at least one must take tasks
     * @param weights  the factors' weights
     * @param history  every row of {@code agent_tasks} (e.g. {@code store::agentTasks})
     * @throws IllegalArgumentException when no profile's role takes tasks
     */
    public ScoringScheduler(List<AgentProfile> profiles, ScoringWeights weights,
                            Supplier<List<AgentTaskRecord>> history) {
        this.profiles = List.copyOf(profiles);
        this.weights = Objects.requireNonNull(weights, "weights");
        this.history = Objects.requireNonNull(history, "history");
        if (AgentProfiles.taskRoles(this.profiles).isEmpty()) {
            throw new IllegalArgumentException("no agent profile takes tasks (planner and reviewer profiles do not)");
        }
    }

    @Override
    public List<AgentProfile> profiles() {
        return profiles;
    }

    @Override
    public Optional<Assignment> assign(PlanTask task, Map<String, Integer> busy, int agent) {
        List<AgentTaskRecord> rows = history.get();
        int running = busy.values().stream().mapToInt(Integer::intValue).sum();
        AgentProfile best = null;
        Map<String, Double> bestFactors = null;
        double bestScore = -1;
        Map<String, Double> scores = new LinkedHashMap<>();
        for (AgentProfile p : profiles) {
            int mine = busy.getOrDefault(p.name(), 0);
            if (!AgentProfiles.takesTasks(p.role()) || mine >= p.maxConcurrent()) {
                continue;
            }
            Map<String, Double> factors = factors(p, task, mine, running, rows);
            double score = weights.score(factors);
            scores.put(p.name(), score);
            if (score > bestScore) {
                best = p;
                bestFactors = factors;
                bestScore = score;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        scores.remove(best.name());
        return Optional.of(new Assignment(task, best, agent, bestScore, bestFactors, weights.asMap(), scores));
    }

    /** The success factor of a profile whose checks passed {@code passed} times of {@code judged}: Laplace's rule. */
    public static double successFactor(int passed, int judged) {
        return (passed + 1) / (double) (judged + 2);
    }

    /** The five factors of {@code p} for {@code task}, in the order of {@link ScoringWeights#FACTORS}. */
    static Map<String, Double> factors(AgentProfile p, PlanTask task, int busy, int running,
                                       List<AgentTaskRecord> rows) {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("availability", (p.maxConcurrent() - busy) / (double) p.maxConcurrent());
        double skills = task.skills().isEmpty() ? 1
                : task.skills().stream().filter(p.skills()::contains).count() / (double) task.skills().size();
        double role = task.role() == null || task.role().equals(p.role()) ? 1 : 0;
        f.put("expertise", (skills + role) / 2);
        f.put("workload", running == 0 ? 1 : 1 - busy / (double) running);
        int judged = 0;
        int passed = 0;
        Set<String> touched = new HashSet<>();
        for (AgentTaskRecord r : rows) {
            if (!r.profile().equals(p.name())) {
                continue;
            }
            touched.addAll(r.files());
            if (r.checksPassed().isPresent()) {
                judged++;
                passed += r.checksPassed().get() ? 1 : 0;
            }
        }
        f.put("success", successFactor(passed, judged));
        f.put("affinity", task.files().isEmpty() ? 0
                : task.files().stream().filter(touched::contains).count() / (double) task.files().size());
        return f;
    }
}
