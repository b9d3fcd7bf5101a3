package dev.munero.core.loop;

import dev.munero.engine.config.ConfigException;
import dev.munero.llm.ProviderException;
import dev.munero.llm.UserConfig;
import dev.munero.memory.MemoryBank;
import dev.munero.memory.embed.Embedder;
import dev.munero.memory.embed.Embedders;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The session's memory bank, opened on first use (the first lesson lookup or task agent), not when the session is
 * wired: opening runs the schema check, and a resumed session should reach its first state change without it.
 *
 * <p>The bank gets the embedder the repository configures ({@code memory: embeddings:} in munero.yaml, else
 * {@code [memory.embeddings]} in the user config; {@link Embedders#forRepository}), so the agents' memory_store
 * embeds what they store and memory_search and the lesson retrieval are hybrid, as {@code munero memory} is.
 * {@link #configure} resolves it (nothing is sent and no model loaded) so the session can stop on a bad setting before
 * it spends anything; a bank opened after a failed {@link #configure} has no embedder (full-text, which its searches
 * say).
 *
 * <p>Thread-safe: agents' threads may ask at once; {@link #close} belongs to the session's thread, after its agents
 * stopped.
 */
final class LazyMemory implements AutoCloseable {
    private final Path file;
    private final Clock clock;
    private final Path repo;
    private final Map<String, String> env;
    private Optional<Embedder> embedder;
    private MemoryBank bank;

    /**
     * @param file the run's database file (the store's)
     * @param repo the user's repository, whose munero.yaml may configure embeddings
     * @param env  the session's environment (keys, base URLs, the user config's place)
     */
    LazyMemory(Path file, Clock clock, Path repo, Map<String, String> env) {
        this.file = file;
        this.clock = clock;
        this.repo = repo;
        this.env = env;
    }

    /**
     * Resolves the configured embedder once.
     *
     * @return empty when it is fine (or none is configured); else what is wrong and where, for the run's outcome
     */
    synchronized Optional<String> configure() {
        if (embedder != null) {
            return Optional.empty();
        }
        try {
            embedder = Embedders.forRepository(repo, env, UserConfig.load(env));
            return Optional.empty();
        } catch (ConfigException | IllegalArgumentException | ProviderException e) {
            embedder = Optional.empty();
            return Optional.of("memory embeddings: " + e.getMessage());
        }
    }

    /** The bank, opened now if it was not. @throws dev.munero.store.StoreException when it cannot be opened */
    synchronized MemoryBank get() {
        if (bank == null) {
            configure();
            bank = MemoryBank.open(file, clock, embedder);
        }
        return bank;
    }

    @Override
    public synchronized void close() {
        if (bank != null) {
            bank.close();
            bank = null;
        }
    }
}
