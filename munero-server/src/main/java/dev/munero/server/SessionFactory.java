package dev.munero.server;

import dev.munero.core.BuildManager;
import dev.munero.core.config.RunSettings;
import dev.munero.core.events.EventBus;
import java.nio.file.Path;

/**
 * Makes the session (model, prices, environment, sandbox, clock, event bus) for a run the server starts or resumes,
 * from the run's resolved settings; {@code munero serve} gives one that builds it the way {@code munero run} does
 * (or replays a recording with {@code --replay}), tests give one with a scripted model. Called on request threads;
 * must be thread-safe.
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
}
