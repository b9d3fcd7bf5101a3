package dev.munero.core.loop;

import dev.munero.memory.MemoryBank;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The session's memory bank, opened on first use (the first lesson lookup or task agent), not when the session is
 * wired: opening runs the schema check, and a resumed session should reach its first state change without it.
 *
 * <p>Thread-safe: agents' threads may ask at once; {@link #close} belongs to the session's thread, after its agents
 * stopped.
 */
final class LazyMemory implements AutoCloseable {
    private final Path file;
    private final Clock clock;
    private MemoryBank bank;

    /** @param file the run's database file (the store's) */
    LazyMemory(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /** The bank, opened now if it was not. @throws dev.munero.store.StoreException when it cannot be opened */
    synchronized MemoryBank get() {
        if (bank == null) {
            bank = MemoryBank.open(file, clock);
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
