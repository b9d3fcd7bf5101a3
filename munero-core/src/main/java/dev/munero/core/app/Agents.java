package dev.munero.core.app;

import dev.munero.core.BuildManager;
import dev.munero.core.config.SettingsException;
import dev.munero.core.swarm.AgentProfile;
import dev.munero.core.swarm.AgentProfiles;
import dev.munero.core.swarm.ScoringScheduler;
import dev.munero.store.AgentTaskRecord;
import dev.munero.store.Store;
import dev.munero.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent profiles of a repository with what they did (issue 14): each profile munero.yaml's {@code agents:}
 * declares (or the default profile {@code agent} without the section), then each profile that is only in the
 * history (renamed or removed since), from the rows of {@code agent_tasks} in the repository's
 * {@code .munero/munero.db} across every run.
 *
 * <p>Stateless; thread-safe (each call opens and closes the database).
 */
public final class Agents {
    private Agents() {
    }

    /**
     * One profile and its measured history.
     *
     * @param name           the profile's name
     * @param role           its role (for a profile only in the history: the role of its latest task)
     * @param model          its model, {@code provider:model}; null for the run's model (or unknown)
     * @param skills         its skills; empty for a profile only in the history
     * @param maxConcurrent  its {@code max_concurrent}; 0 for a profile only in the history
     * @param source         where it is declared ({@code munero.yaml:12}, {@code default}); null when not configured
     * @param configured     whether munero.yaml declares it now (false: it is only in the history)
     * @param tasks          the tasks assigned to it, every run
     * @param finished       of them, those whose agent ended
     * @param judged         of them, those whose first checks after them have run
     * @param passed         of those, the ones whose checks passed
     * @param successRate    passed / judged; null when none was judged
     * @param successFactor  what the scheduler scores as its success: (passed + 1) / (judged + 2)
     * @param costUsd        what its finished tasks with a known cost cost in all, USD
     * @param costPerTaskUsd the mean cost of its finished tasks with a known cost, USD; null when none
     * @param secondsPerTask the mean time from assignment to end of its finished tasks, seconds; null when none
     */
    public record Profile(String name, String role, String model, List<String> skills, int maxConcurrent,
                          String source, boolean configured, int tasks, int finished, int judged, int passed,
                          Double successRate, double successFactor, double costUsd, Double costPerTaskUsd,
                          Double secondsPerTask) {
        public Profile {
            skills = List.copyOf(skills);
        }
    }

    /**
     * The profiles of {@code repo} with their history.
     *
     * @param repo the repository (its munero.yaml and {@code .munero/munero.db} may be absent: then the default
     *             profile, and no history)
     * @throws AppException INVALID when munero.yaml or its {@code agents:} list is invalid (file:line and what to
     *                      do); UNAVAILABLE when the database cannot be read
     */
    public static List<Profile> list(Path repo) {
        Path dir = repo.toAbsolutePath().normalize();
        List<AgentProfile> configured;
        try {
            configured = AgentProfiles.load(dir);
        } catch (SettingsException e) {
            throw AppException.invalid(e.getMessage());
        }
        List<AgentTaskRecord> rows = history(dir);
        Map<String, List<AgentTaskRecord>> byProfile = new LinkedHashMap<>();
        for (AgentTaskRecord r : rows) {
            byProfile.computeIfAbsent(r.profile(), k -> new ArrayList<>()).add(r);
        }
        List<Profile> out = new ArrayList<>();
        for (AgentProfile p : configured) {
            out.add(profile(p.name(), p.role(), p.model(), p.skills(), p.maxConcurrent() == Integer.MAX_VALUE ? 0
                    : p.maxConcurrent(), p.source(), true, byProfile.getOrDefault(p.name(), List.of())));
            byProfile.remove(p.name());
        }
        byProfile.forEach((name, tasks) -> out.add(profile(name, tasks.getLast().role(), null, List.of(), 0, null,
                false, tasks)));
        return List.copyOf(out);
    }

    private static List<AgentTaskRecord> history(Path repo) {
        Path db = BuildManager.databaseOf(repo);
        if (!Files.isRegularFile(db)) {
            return List.of();
        }
        try (Store store = Store.open(db, Clock.systemUTC())) {
            return store.agentTasks();
        } catch (StoreException e) {
            throw AppException.unavailable("cannot read the agents' history in " + db + ": " + e.getMessage(), e);
        }
    }

    private static Profile profile(String name, String role, String model, List<String> skills, int max,
                                   String source, boolean configured, List<AgentTaskRecord> tasks) {
        int finished = 0;
        int judged = 0;
        int passed = 0;
        int priced = 0;
        double cost = 0;
        long millis = 0;
        for (AgentTaskRecord t : tasks) {
            if (t.finishedAt().isPresent()) {
                finished++;
                millis += t.durationMs().orElse(0);
                if (t.costUsd().isPresent()) {
                    priced++;
                    cost += t.costUsd().getAsDouble();
                }
            }
            if (t.checksPassed().isPresent()) {
                judged++;
                passed += t.checksPassed().get() ? 1 : 0;
            }
        }
        return new Profile(name, role, model, skills, max, source, configured, tasks.size(), finished, judged, passed,
                judged == 0 ? null : passed / (double) judged, ScoringScheduler.successFactor(passed, judged), cost,
                priced == 0 ? null : cost / priced, finished == 0 ? null : millis / 1000.0 / finished);
    }
}
