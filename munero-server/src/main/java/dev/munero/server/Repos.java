package dev.munero.server;

import dev.munero.core.app.AppException;
import dev.munero.core.app.Runs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The repositories a server serves, by id: a directory's name, made unique with {@code -2}, {@code -3}... in the
 * order given. Immutable after construction; thread-safe.
 */
public final class Repos {
    private final Map<String, ServedRepo> byId = new LinkedHashMap<>();

    /**
     * @param dirs the repositories' directories (at least one)
     * @throws IllegalArgumentException when none is given, or one is not a directory (the message names it)
     */
    Repos(List<Path> dirs, Clock clock) {
        if (dirs.isEmpty()) {
            throw new IllegalArgumentException("serve at least one repository");
        }
        for (Path dir : dirs) {
            Path path = dir.toAbsolutePath().normalize();
            if (!Files.isDirectory(path)) {
                throw new IllegalArgumentException("the repository " + path + " is not a directory");
            }
            if (byId.values().stream().anyMatch(r -> r.path().equals(path))) {
                continue;
            }
            Path name = path.getFileName();
            String base = name == null ? "root" : name.toString();
            String id = base;
            for (int n = 2; byId.containsKey(id); n++) {
                id = base + "-" + n;
            }
            byId.put(id, new ServedRepo(id, path, clock));
        }
    }

    /** Every served repository, in the order given. */
    public List<ServedRepo> all() {
        return List.copyOf(byId.values());
    }

    /**
     * The repository named by {@code id}, or the only one when {@code id} is null and one is served.
     *
     * @throws ProblemException 404 for an unknown id (the message lists the ids), 400 when {@code id} is null and
     *                          several are served
     */
    public ServedRepo get(String id) {
        if (id == null || id.isBlank()) {
            if (byId.size() == 1) {
                return byId.values().iterator().next();
            }
            throw ProblemException.badRequest("this server serves several repositories; name one with repo: "
                    + String.join(", ", byId.keySet()));
        }
        ServedRepo repo = byId.get(id);
        if (repo == null) {
            throw ProblemException.notFound("there is no served repository " + id + "; the repositories are "
                    + String.join(", ", byId.keySet()));
        }
        return repo;
    }

    /**
     * The repository holding run {@code runId}: the one named by {@code repoId} when given, else the only one whose
     * database has it.
     *
     * @throws ProblemException 404 when no served repository has it; 409 when several do and no repo is given
     */
    public ServedRepo holding(String runId, String repoId) {
        if (repoId != null && !repoId.isBlank()) {
            ServedRepo repo = get(repoId);
            repo.runs().show(runId); // NOT_FOUND with the run's message
            return repo;
        }
        List<ServedRepo> found = new ArrayList<>();
        AppException notFound = null;
        for (ServedRepo repo : byId.values()) {
            var runs = repo.runsIfAny();
            if (runs.isEmpty()) {
                continue;
            }
            try {
                runs.get().show(runId);
                found.add(repo);
            } catch (AppException e) {
                if (e.kind() != AppException.Kind.NOT_FOUND) {
                    throw e;
                }
                notFound = e;
            }
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        if (found.isEmpty()) {
            throw byId.size() == 1 && notFound != null ? notFound
                    : ProblemException.notFound("there is no run " + runId + " in the served repositories ("
                    + String.join(", ", byId.keySet()) + ")");
        }
        throw new ProblemException(409, "conflict", "run " + runId + " is in several repositories ("
                + String.join(", ", found.stream().map(ServedRepo::id).toList()) + "); add ?repo=ID",
                Map.of());
    }

    /** The runs of every repository with a database. */
    List<Map.Entry<ServedRepo, Runs>> withRuns() {
        List<Map.Entry<ServedRepo, Runs>> out = new ArrayList<>();
        for (ServedRepo repo : byId.values()) {
            repo.runsIfAny().ifPresent(r -> out.add(Map.entry(repo, r)));
        }
        return out;
    }

    void close() {
        byId.values().forEach(ServedRepo::close);
    }
}
