package dev.munero.agent.worker;

import dev.munero.llm.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Codex's own session log, for the spend of a turn its {@code --json} stream had not finished: {@code codex exec} is
 * one turn, and its stream reports usage only in {@code turn.completed}, so a Codex killed mid-turn leaves a stream
 * with no usage at all. Codex (seen with 0.171.0) also writes each session to
 * {@code CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<thread id>.jsonl}, one JSON object a line
 * ({@code timestamp}, {@code type}, {@code payload}); of those, this reads the {@code event_msg} payloads
 * {@code task_started} (a turn starts) and {@code token_count} (after each model call: {@code info.last_token_usage},
 * that call's usage, and {@code info.total_token_usage}, the session's running total).
 *
 * <p>Stateless and thread-safe.
 */
final class CodexRollout {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CodexRollout() {
    }

    /**
     * The usage of the calls of the session's last turn, for a stream that left that turn open (whether Codex went on
     * to complete it after Munero stopped reading, or was killed in it): the sum of the
     * {@code last_token_usage} of each {@code token_count} after the last {@code task_started} (a {@code token_count}
     * whose running total did not change repeats the previous one and is skipped), in Munero's split (uncached input,
     * output, cache write, cache read; Codex's {@code input_tokens} include the cached ones). Lines that are not JSON
     * (a line cut by a kill) are skipped.
     *
     * @param codexHome the CLI's {@code CODEX_HOME}
     * @param threadId  the session ({@code thread.started}'s {@code thread_id})
     * @return empty when there is no log for the session or it has no turn
     * @throws UncheckedIOException when the log exists and cannot be read
     */
    static Optional<Usage> openTurnUsage(Path codexHome, String threadId) {
        Optional<Path> log = find(codexHome.resolve("sessions"), threadId);
        if (log.isEmpty()) {
            return Optional.empty();
        }
        Usage sum = null;
        JsonNode lastTotal = null;
        try (var lines = Files.lines(log.get(), StandardCharsets.UTF_8)) {
            for (String line : (Iterable<String>) lines::iterator) {
                JsonNode payload = parse(line).path("payload");
                switch (payload.path("type").asString("")) {
                    case "task_started" -> sum = Usage.ZERO;
                    case "token_count" -> {
                        JsonNode info = payload.path("info");
                        JsonNode total = info.path("total_token_usage");
                        if (sum != null && info.path("last_token_usage").isObject() && !total.equals(lastTotal)) {
                            sum = sum.plus(usage(info.path("last_token_usage")));
                        }
                        if (total.isObject()) {
                            lastTotal = total;
                        }
                    }
                    default -> { }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Codex's session log " + log.get(), e);
        }
        return Optional.ofNullable(sum);
    }

    /** The newest {@code rollout-*-<threadId>.jsonl} under {@code sessions}. */
    private static Optional<Path> find(Path sessions, String threadId) {
        if (!Files.isDirectory(sessions) || threadId == null || threadId.isBlank()) {
            return Optional.empty();
        }
        try (var files = Files.walk(sessions)) {
            List<Path> found = files.filter(f -> {
                String name = f.getFileName().toString();
                return name.startsWith("rollout-") && name.endsWith("-" + threadId + ".jsonl");
            }).sorted(Comparator.comparing(f -> f.getFileName().toString())).toList();
            return found.isEmpty() ? Optional.empty() : Optional.of(found.getLast());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list Codex's session logs in " + sessions, e);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (JacksonException e) {
            return JSON.missingNode();
        }
    }

    /** Codex's usage object in Munero's split, as {@link CodexStream} reads {@code turn.completed}. */
    static Usage usage(JsonNode u) {
        long input = u.path("input_tokens").asLong(0);
        long cached = u.path("cached_input_tokens").asLong(0);
        long written = u.path("cache_write_input_tokens").asLong(0);
        return new Usage(Math.max(0, input - cached - written), u.path("output_tokens").asLong(0), written, cached);
    }
}
