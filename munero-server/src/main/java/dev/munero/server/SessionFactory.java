package dev.munero.server;

import dev.munero.core.BuildManager;
import dev.munero.core.app.AppException;
import dev.munero.core.app.RunSessions;
import dev.munero.core.config.RunSettings;
import dev.munero.core.events.EventBus;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Makes the session (model, prices, environment, sandbox, clock, event bus) for a run the server starts or resumes,
 * from the run's resolved settings: {@link #standard} makes it the way {@code munero run} does ({@link RunSessions}),
 * tests give one with a scripted model. Called on request threads; must be thread-safe.
 */
@FunctionalInterface
public interface SessionFactory {
    /**
     * @param repo     the repository, absolute
     * @param settings the run's settings, resolved from the request, {@code munero.yaml} and the user config
     * @param bus      where the session publishes events (the server subscribes nothing to it: it follows the log)
     * @throws dev.munero.core.app.AppException INVALID for a model name or settings that cannot make a session
     *                                          (the message says which and what to send); UNAVAILABLE when the
     *                                          provider or sandbox cannot be set up
     */
    BuildManager.Session open(Path repo, RunSettings settings, EventBus bus);

    /**
     * Sessions as {@code munero run} makes them ({@link RunSessions}): the settings' model from its provider (its key
     * from {@code env}), or a replay of {@code replay} for every run when given; its prices; the settings' sandbox;
     * the learning choice; the configured MCP servers. A budget on a model without a price is refused (INVALID), as
     * in the CLI.
     *
     * @param env    the environment: provider keys, {@code MUNERO_*}, the user config's location
     * @param replay an absolute recording every run replays, or null
     */
    static SessionFactory standard(Map<String, String> env, Path replay) {
        Map<String, String> environment = Map.copyOf(env);
        return (repo, settings, bus) -> RunSessions.forSettings(repo, settings, replay, environment, Clock.systemUTC(),
                bus).session();
    }
}
